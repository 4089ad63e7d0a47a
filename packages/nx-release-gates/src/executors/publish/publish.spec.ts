import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { crateModel as testCrate } from '../../testing/crate-model';
import { verifiedPackage } from '../../parsers/crate-files';
import type { CommandResult } from '../../ops/process';
import type { IndexLookup } from '../../ops/registry-index';
import { cratesToPublish, publishVerified, PublishEffects, PublishOptions } from './publish';
import { parsePublishArgs } from './publish-cli';

/** A .crate of `name@1.0.0` holding `files`. */
function crateBytes(name: string, files: Record<string, string>): Buffer {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'publish-spec-'));
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, `${name}-1.0.0`, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, `${name}-1.0.0`, file), content);
  }
  execFileSync('tar', ['-czf', path.join(dir, 'out.crate'), '-C', dir, `${name}-1.0.0`]);
  return fs.readFileSync(path.join(dir, 'out.crate'));
}

const ok = (stderr = ''): CommandResult => ({ commandLine: 'cargo', exitCode: 0, stdout: '', stderr, durationMs: 1, notFound: false, timedOut: false });
const COMMIT = 'c'.repeat(40);

interface World {
  /** What `cargo package` writes now, per crate. */
  now: Record<string, Buffer>;
  /** Index answers per crate, in turn (the last repeats). */
  index: Record<string, IndexLookup[]>;
  /** cargo publish answers, in turn (default: success). */
  publishAnswers?: CommandResult[];
}

function setUp(world: World, verified: Record<string, Buffer>) {
  const results = fs.mkdtempSync(path.join(os.tmpdir(), 'publish-results-'));
  for (const [name, bytes] of Object.entries(verified)) {
    fs.mkdirSync(path.join(results, name));
    const result = { crate: name, version: '1.0.0', status: 'passed', run: { commit: COMMIT }, details: { verifiedPackage: verifiedPackage(bytes, name, '1.0.0') } };
    fs.writeFileSync(path.join(results, name, 'gate-package.json'), JSON.stringify(result));
  }
  const calls: string[][] = [];
  const slept: number[] = [];
  const lines: string[] = [];
  const crates = [testCrate({ name: 'app', version: '1.0.0', root: 'app', workspaceRoot: '.', pathDependencies: [{ name: 'core', root: 'core', kind: 'normal' }] }), testCrate({ name: 'core', version: '1.0.0', root: 'core', workspaceRoot: '.' })];
  const fx: PublishEffects = {
    crates: async () => crates,
    headCommit: async () => COMMIT,
    async cargo(args) {
      calls.push(args);
      if (args[0] === 'package') {
        const target = args[args.indexOf('--target-dir') + 1];
        fs.mkdirSync(path.join(target, 'package'), { recursive: true });
        for (let i = args.indexOf('-p'); i >= 0; i = args.indexOf('-p', i + 1)) fs.writeFileSync(path.join(target, 'package', `${args[i + 1]}-1.0.0.crate`), world.now[args[i + 1]]);
        return ok();
      }
      return world.publishAnswers?.shift() ?? ok();
    },
    lookUp: async (_index, crate) => (world.index[crate].length > 1 ? world.index[crate].shift()! : world.index[crate][0]),
    sleep: async (seconds) => void slept.push(seconds),
    now: () => new Date('2026-12-02T10:00:00Z'),
    log: (line) => lines.push(line),
    warn: (line) => lines.push(`WARN ${line}`),
    error: (line) => lines.push(`ERROR ${line}`),
  };
  const options: PublishOptions = { root: '/ws', results, projects: null, registry: 'local', index: 'http://127.0.0.1:1/index/', dryRun: false };
  const published = () => calls.filter((c) => c[0] === 'publish').map((c) => c[c.indexOf('-p') + 1]);
  return { fx, options, calls, slept, lines, published };
}

const CORE = crateBytes('core', { 'src/lib.rs': 'pub fn one() -> u8 { 1 }\n', 'Cargo.toml': '[package]\nname = "core"\n' });
const APP = crateBytes('app', { 'src/lib.rs': 'pub use core::one;\n', 'Cargo.toml': '[package]\nname = "app"\n' });
const absent: IndexLookup = { kind: 'absent', where: 'x' };

describe('publishVerified', () => {
  it('publishes the verified packages, path dependencies first', async () => {
    const t = setUp({ now: { core: CORE, app: APP }, index: { core: [absent], app: [absent] } }, { core: CORE, app: APP });
    expect(await publishVerified(t.options, t.fx)).toBe(0);
    expect(t.published()).toEqual(['core', 'app']);
    expect(t.calls[0]).toEqual(expect.arrayContaining(['package', '--no-verify', '--locked', '--registry', 'local']));
    expect(t.calls[1]).toEqual(expect.arrayContaining(['publish', '--no-verify', '--locked', '--registry', 'local']));
  });

  it('refuses a package that changed since the dry run, naming the file, and uploads nothing', async () => {
    const changed = crateBytes('app', { 'src/lib.rs': 'pub use core::one; // edited\n', 'Cargo.toml': '[package]\nname = "app"\n' });
    const t = setUp({ now: { core: CORE, app: changed }, index: { core: [absent], app: [absent] } }, { core: CORE, app: APP });
    expect(await publishVerified(t.options, t.fx)).toBe(1);
    expect(t.published()).toEqual([]);
    expect(t.lines).toContainEqual(expect.stringMatching(/^ERROR app@1\.0\.0: .*changed src\/lib\.rs/));
  });

  it('publishes a crate whose gate-package an emergency skipped, saying it is unverified', async () => {
    const t = setUp({ now: { core: CORE, app: APP }, index: { core: [absent], app: [absent] } }, { core: CORE, app: APP });
    const file = path.join(t.options.results, 'app', 'gate-package.json');
    fs.writeFileSync(file, JSON.stringify({ crate: 'app', version: '1.0.0', status: 'skipped', run: { commit: COMMIT }, details: { emergency: 'CVE hotfix' } }));
    expect(await publishVerified(t.options, t.fx)).toBe(0);
    expect(t.published()).toEqual(['core', 'app']);
    expect(t.lines).toContainEqual(expect.stringMatching(/^WARN app@1\.0\.0: .*emergency \(CVE hotfix\)/));
  });

  it('refuses without a verified record, before packaging', async () => {
    const t = setUp({ now: { core: CORE, app: APP }, index: { core: [absent], app: [absent] } }, { core: CORE });
    expect(await publishVerified(t.options, t.fx)).toBe(1);
    expect(t.calls).toEqual([]);
    expect(t.lines[0]).toMatch(/^ERROR app@1\.0\.0: no verified package in /);
  });

  it('resumes: skips a crate already published with the verified cksum, publishes the rest', async () => {
    const core = verifiedPackage(CORE, 'core', '1.0.0').cksum;
    const t = setUp({ now: { core: CORE, app: APP }, index: { core: [{ kind: 'found', versions: [{ version: '1.0.0', checksum: core, yanked: false }], where: 'x' }], app: [absent] } }, { core: CORE, app: APP });
    expect(await publishVerified(t.options, t.fx)).toBe(0);
    expect(t.published()).toEqual(['app']);
  });

  it('refuses when the registry holds the version with other bytes', async () => {
    const t = setUp({ now: { core: CORE, app: APP }, index: { core: [{ kind: 'found', versions: [{ version: '1.0.0', checksum: 'e'.repeat(64), yanked: false }], where: 'x' }], app: [absent] } }, { core: CORE, app: APP });
    expect(await publishVerified(t.options, t.fx)).toBe(1);
    expect(t.published()).toEqual([]);
  });

  it('waits out "too many requests" from the index and from the upload, as long as each asks', async () => {
    const limited: IndexLookup = { kind: 'unreachable', problem: 'HTTP 429', where: 'x', retryAfter: '7' };
    const tooMany = { ...ok('error: failed to publish\n\nCaused by:\n  the remote server responded with an error (status 429 Too Many Requests): slow down, Retry-After: 3'), exitCode: 101 };
    const t = setUp({ now: { core: CORE, app: APP }, index: { core: [limited, absent], app: [absent] }, publishAnswers: [tooMany] }, { core: CORE, app: APP });
    expect(await publishVerified(t.options, t.fx)).toBe(0);
    expect(t.slept).toEqual([7, 3]);
    expect(t.published()).toEqual(['core', 'core', 'app']);
  });

  it('with --dry-run checks everything and uploads nothing', async () => {
    const t = setUp({ now: { core: CORE, app: APP }, index: { core: [absent], app: [absent] } }, { core: CORE, app: APP });
    expect(await publishVerified({ ...t.options, dryRun: true }, t.fx)).toBe(0);
    expect(t.published()).toEqual([]);
  });
});

describe('cratesToPublish', () => {
  const crates = [testCrate({ name: 'a', publish: true }), testCrate({ name: 'tool', publish: false })];
  it('takes every publishable crate, or the ones named', () => {
    expect(cratesToPublish(crates, null)).toEqual([crates[0]]);
    expect(cratesToPublish(crates, ['a'])).toEqual([crates[0]]);
  });
  it('refuses an unknown or unpublished name in one line', () => {
    expect(cratesToPublish(crates, ['b'])).toEqual({ problem: expect.stringContaining('no crate of this workspace') });
    expect(cratesToPublish(crates, ['tool'])).toEqual({ problem: expect.stringContaining('publish = false') });
  });
});

describe('parsePublishArgs', () => {
  it('reads the options, crates.io by default', () => {
    expect(parsePublishArgs(['--results', 'r', '--projects=a, b', '--dry-run'], '/ws', {})).toEqual({ root: '/ws', results: '/ws/r', projects: ['a', 'b'], registry: null, index: 'https://index.crates.io/', dryRun: true });
  });
  it("takes a named registry's index from --index or cargo's environment variable", () => {
    expect(parsePublishArgs(['--registry', 'my-reg', '--index', 'sparse+http://h/index/'], '/ws', {})).toMatchObject({ registry: 'my-reg', index: 'sparse+http://h/index/', projects: null });
    expect(parsePublishArgs(['--registry', 'my-reg'], '/ws', { CARGO_REGISTRIES_MY_REG_INDEX: 'sparse+http://e/' })).toMatchObject({ index: 'sparse+http://e/' });
  });
  it('refuses an unknown argument, a missing value and a registry without an index, in one line', () => {
    for (const argv of [['--force'], ['--results'], ['--registry', 'my-reg']]) {
      const parsed = parsePublishArgs(argv, '/ws', {});
      expect(parsed).toEqual({ problem: expect.any(String) });
      expect((parsed as { problem: string }).problem.split('\n')).toHaveLength(1);
    }
  });
});
