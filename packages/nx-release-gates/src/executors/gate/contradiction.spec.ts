import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import type { GateDefinition } from '../../gates/types';
import { readLearned } from '../../cache-key/learned-inputs';
import type { GateResult } from '../../report/result';
import { cachedPass, contradictionExplanation, NOTHING_FOUND, withContradiction } from './contradiction';

describe('contradictions', () => {
  let ws: string;
  let cache: string;
  let warnings: string[];
  beforeEach(() => {
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'contra-'));
    cache = path.join(ws, 'cache');
    fs.mkdirSync(path.join(ws, 'crates', 'app'), { recursive: true });
    fs.writeFileSync(path.join(ws, 'crates', 'app', 'Cargo.lock'), '');
    warnings = [];
  });
  afterEach(() => fs.rmSync(ws, { recursive: true, force: true }));

  const gate = { name: 'test', cacheable: true } as GateDefinition;
  const context = () => ({ root: ws, projectsConfigurations: { projects: { app: { root: 'crates/app' } } } }) as unknown as ExecutorContext;
  const fx = (env: Record<string, string> = { NX_TASK_HASH: '777' }) => ({ env, log: { info: () => undefined, warn: (line: string) => warnings.push(line) } });
  const result = (status: GateResult['status'], details: Record<string, unknown> = {}) => ({ project: 'app', crate: 'app', gate: 'gate-test', status, reason: 'r', details }) as GateResult;
  const cachePass = (status = 'passed') => {
    fs.mkdirSync(path.join(cache, '777', 'dist', 'release-gates', 'app'), { recursive: true });
    fs.writeFileSync(path.join(cache, '777', 'dist', 'release-gates', 'app', 'gate-test.json'), JSON.stringify({ status }));
  };

  it('records the key when a fresh run fails where the cache holds a pass, and says so', async () => {
    cachePass();
    const found = [{ kind: 'file', name: 'fixtures/x.txt', why: 'in no input of app:gate-test' }];
    const after = await withContradiction(result('failed', { undeclaredInputs: found }), gate, context(), fx(), [cache]);
    expect(after.details.contradiction).toEqual({ key: '777', explanation: 'the run read file fixtures/x.txt, which the key did not cover (in no input of app:gate-test)' });
    expect(readLearned(path.join(ws, 'crates', 'app', 'release-gates.lock')).contradicted).toEqual([{ crate: 'app', gate: 'gate-test', key: '777' }]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/app:gate-test: Nx's cache holds a pass for this key \(777\)/);
  });

  it('says when no input was found', async () => {
    cachePass();
    const after = await withContradiction(result('failed'), gate, context(), fx(), [cache]);
    expect(after.details.contradiction).toEqual({ key: '777', explanation: NOTHING_FOUND });
  });

  it('does nothing for a pass, an interruption, a gate Nx never caches, no cached entry, a cached failure, or no hash', async () => {
    const cases: [GateResult, GateDefinition, Record<string, string>][] = [
      [result('passed'), gate, { NX_TASK_HASH: '777' }],
      [result('interrupted'), gate, { NX_TASK_HASH: '777' }],
      [result('failed'), { ...gate, cacheable: false }, { NX_TASK_HASH: '777' }],
      [result('failed'), gate, { NX_TASK_HASH: '778' }],
      [result('failed'), gate, {}],
    ];
    cachePass();
    for (const [before, g, env] of cases) expect(await withContradiction(before, g, context(), fx(env), [cache])).toBe(before);
    cachePass('failed');
    const before = result('failed');
    expect(await withContradiction(before, gate, context(), fx(), [cache])).toBe(before);
    expect(fs.existsSync(path.join(ws, 'crates', 'app', 'release-gates.lock'))).toBe(false);
  });

  it('reads an entry without a result file as a pass unless Nx caches failures', () => {
    expect(cachedPass(null, {})).toBe(true);
    expect(cachedPass(null, { NX_CACHE_FAILURES: 'true' })).toBe(false);
    expect(cachedPass('{"status":"fallback"}', {})).toBe(true);
    expect(cachedPass('not json', {})).toBe(false);
  });

  it('names the first input and how many more', () => {
    const found = [
      { kind: 'env', name: 'MODE', why: 'not in the cache key' },
      { kind: 'file', name: 'x', why: 'in no input' },
    ];
    expect(contradictionExplanation({ undeclaredInputs: found })).toBe('the run read variable MODE and 1 more (details.undeclaredInputs), which the key did not cover (not in the cache key)');
  });
});
