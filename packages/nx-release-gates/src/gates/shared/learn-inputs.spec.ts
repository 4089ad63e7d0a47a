import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { crateModel } from '../../testing/crate-model';
import { readLearned } from '../../cache-key/learned-inputs';
import type { UndeclaredInput } from '../../cache-key/undeclared-inputs';
import type { GateContext, GateOutcome } from '../types';
import { learnUndeclaredInputs, readsToRecord } from './learn-inputs';

const input = (kind: 'file' | 'env', name: string): UndeclaredInput => ({ kind, name, readBy: 'app (bin)', why: 'in no input of app:gate-test', fix: 'add it' });

describe('learnUndeclaredInputs', () => {
  let ws: string;
  let warnings: string[];
  beforeEach(() => {
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'learn-'));
    fs.mkdirSync(path.join(ws, 'fixtures', 'set'), { recursive: true });
    warnings = [];
  });
  afterEach(() => fs.rmSync(ws, { recursive: true, force: true }));

  const context = (mode: 'warn' | 'deny') =>
    ({
      project: 'app',
      gateName: 'test',
      workspaceRoot: ws,
      crate: crateModel({ name: 'app', root: 'crates/app', workspaceRoot: '.' }),
      options: { undeclaredInputs: mode },
      log: { info: () => undefined, warn: (line: string) => warnings.push(line) },
    }) as unknown as GateContext;

  it('records every finding under warn, says so in the result and one line; secrets are never recorded', async () => {
    const found = [input('file', 'fixtures/outside.txt'), input('file', 'fixtures/set'), input('env', 'MODE'), input('env', 'DEPLOY_TOKEN'), input('file', path.join(os.homedir(), '.tool.toml'))];
    const outcome: GateOutcome = { status: 'passed', reason: 'ok', details: { undeclaredInputs: found } };
    const learned = await learnUndeclaredInputs(context('warn'), outcome);
    expect(learned.status).toBe('passed');
    expect(learned.details!.learned).toEqual(['fixtures/outside.txt', 'fixtures/set', 'MODE', '~/.tool.toml']);
    expect(warnings).toEqual(['recorded 4 input(s) in release-gates.lock: commit it so every clone keys on them']);
    expect(readLearned(path.join(ws, 'release-gates.lock')).reads).toEqual([
      { crate: 'app', gate: 'gate-test', kind: 'dir', name: 'fixtures/set' },
      { crate: 'app', gate: 'gate-test', kind: 'env', name: 'MODE' },
      { crate: 'app', gate: 'gate-test', kind: 'file', name: 'fixtures/outside.txt' },
      { crate: 'app', gate: 'gate-test', kind: 'file', name: '~/.tool.toml' },
    ]);
  });

  it('records nothing under deny: the gate fails naming the input and how to record it', async () => {
    const outcome: GateOutcome = { status: 'failed', reason: 'undeclared input (undeclaredInputs: deny): the build read file fixtures/outside.txt (in no input); add it', details: { undeclaredInputs: [input('file', 'fixtures/outside.txt')] } };
    const denied = await learnUndeclaredInputs(context('deny'), outcome);
    expect(denied.status).toBe('failed');
    expect(denied.reason).toContain('fixtures/outside.txt');
    expect(denied.reason).toContain('run `nx run app:gate-test` on a laptop (undeclaredInputs: warn) to record it in release-gates.lock, and commit the file');
    expect(fs.existsSync(path.join(ws, 'release-gates.lock'))).toBe(false);
    // A gate that failed for its own reason keeps it.
    const own: GateOutcome = { status: 'failed', reason: 'tests failed', details: outcome.details };
    expect(await learnUndeclaredInputs(context('deny'), own)).toBe(own);
  });

  it('leaves an outcome without findings alone', async () => {
    const outcome: GateOutcome = { status: 'passed', reason: 'ok' };
    expect(await learnUndeclaredInputs(context('warn'), outcome)).toBe(outcome);
    expect(fs.existsSync(path.join(ws, 'release-gates.lock'))).toBe(false);
  });

  it('readsToRecord keeps paths outside the workspace and home absolute', () => {
    expect(readsToRecord([input('file', '/opt/x.txt')], 'app', 'gate-build', ws, '/home/u')).toEqual([{ crate: 'app', gate: 'gate-build', kind: 'file', name: '/opt/x.txt' }]);
  });
});
