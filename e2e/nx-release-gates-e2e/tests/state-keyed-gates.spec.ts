/**
 * The gates that read the registry, release tags and container engines are cached by that state: unchanged, they
 * replay; a version published meanwhile, a new release tag, a new release of a dependency or an engine that appears
 * makes them run again, with a truthful verdict; so does a whole release-dry-run, keyed by its gates' keys. One
 * workspace, steps in order, each against the step before:
 *  - stately: a library whose registryIndex is a local index folder (no entry yet), with a Dockerfile that only
 *    docker may build (no daemon here: `fallback`).
 *  - installer: a tool calling tinydep::add(1, 2), resolved from a local directory source (crates.io replaced by it
 *    in installer/.cargo/config.toml, so stately's publish dry run is untouched) that holds tinydep 0.1.0.
 */
import { spawnSync } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { crateFiles } from '../support/crates';
import { writeIndexEntry } from '../support/registry-index';
import { TestWorkspace } from '../support/workspace';

const INDEX = fs.mkdtempSync(path.join(os.tmpdir(), 'nrg-state-index-'));
const FAKE_BIN = fs.mkdtempSync(path.join(os.tmpdir(), 'nrg-state-bin-'));
const STATELY = 'stately';
const INSTALLER = 'installer';
const STATELY_GATES = ['gate-version', 'gate-publish', 'gate-semver', 'gate-docker'];

const TINYDEP = {
  '0.1.0': 'pub fn add(a: u32, b: u32) -> u32 {\n    a + b\n}\n',
  '0.1.1': 'pub fn add(a: u32, b: u32, c: u32) -> u32 {\n    a + b + c\n}\n',
};

/** tinydep as a directory source package (what `cargo vendor` writes), under registry/. */
function vendored(version: keyof typeof TINYDEP): Record<string, string> {
  const manifest = `[package]\nname = "tinydep"\nversion = "${version}"\nedition = "2021"\n`;
  const checksum = (text: string) => createHash('sha256').update(text).digest('hex');
  const dir = `registry/tinydep-${version}`;
  return {
    [`${dir}/Cargo.toml`]: manifest,
    [`${dir}/src/lib.rs`]: TINYDEP[version],
    [`${dir}/.cargo-checksum.json`]: JSON.stringify({ files: { 'Cargo.toml': checksum(manifest), 'src/lib.rs': checksum(TINYDEP[version]) }, package: checksum(`tinydep ${version}`) }),
  };
}

const LIB = '//! A library.\n\n/// One.\npub fn one() -> u8 {\n    1\n}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn one() {\n        assert_eq!(super::one(), 1);\n    }\n}\n';
const MAIN = '//! A tool.\n\nfn main() {\n    println!("{}", tinydep::add(1, 2));\n}\n';

describe('gates cached by the outside state they read', () => {
  let ws: TestWorkspace;
  /** Each gate's run identity (run id and start) after the step before. */
  let before: Record<string, string>;

  const identity = (project: string, target: string) => {
    const result = ws.result(project, target);
    return `${result.run?.runId ?? 'none'} ${result.startedAt}`;
  };
  const identities = (): Record<string, string> => ({
    ...Object.fromEntries(STATELY_GATES.map((t) => [t, identity(STATELY, t)])),
    'gate-install': identity(INSTALLER, 'gate-install'),
  });
  /** Runs the five gates; returns the gates whose result a new run wrote (the rest replayed). */
  function runGates(env: Record<string, string> = {}): string[] {
    ws.nx(['run-many', '-t', ...STATELY_GATES, '-p', STATELY], env);
    ws.nx(['run', `${INSTALLER}:gate-install`], env);
    const now = identities();
    const rerun = Object.keys(now).filter((t) => now[t] !== before[t]).sort();
    before = now;
    return rerun;
  }
  const status = (project: string, target: string) => ws.result(project, target).status;

  beforeAll(() => {
    ws = TestWorkspace.create('state-keys', {
      files: {
        ...vendored('0.1.0'),
        '.nxignore': 'registry/\n',
        ...crateFiles({
          name: STATELY,
          version: '0.2.0',
          lib: LIB,
          releaseGates: `registry-index = ${JSON.stringify(INDEX)}\ndockerfile = "Dockerfile"\ncontainer-engines = ["docker"]`,
          files: { Dockerfile: 'FROM scratch\nCOPY Cargo.toml /Cargo.toml\n' },
        }),
        ...crateFiles({
          name: INSTALLER,
          main: MAIN,
          extra: '[dependencies]\ntinydep = "0.1"\n',
          releaseGates: `registry-index = ${JSON.stringify(INDEX)}`,
          lockfile: false,
          files: { '.cargo/config.toml': '[source.crates-io]\nreplace-with = "test-registry"\n\n[source.test-registry]\ndirectory = "../registry"\n' },
        }),
      },
    });
    writeIndexEntry(INDEX, 'tinydep', [{ version: '0.1.0' }]);
    // From the crate folder, so cargo reads its config (the directory source); before tinydep 0.1.1 exists.
    const lock = spawnSync('cargo', ['generate-lockfile'], { cwd: ws.path(INSTALLER), encoding: 'utf8' });
    if (lock.status !== 0) throw new Error(lock.stderr);
    ws.commitAll('crates');
    before = {};
    runGates();
  });
  afterAll(() => {
    ws?.remove();
    fs.rmSync(INDEX, { recursive: true, force: true });
    fs.rmSync(FAKE_BIN, { recursive: true, force: true });
  });

  it('ran each gate the first time, with the verdict the state gives', () => {
    expect(status(STATELY, 'gate-version')).toBe('passed');
    expect(status(STATELY, 'gate-publish')).toBe('passed');
    expect(ws.result(STATELY, 'gate-semver')).toMatchObject({ status: 'skipped', reason: expect.stringContaining('first release') });
    expect(ws.result(STATELY, 'gate-docker')).toMatchObject({ status: 'fallback', details: { build: { status: 'skipped' } } });
    expect(ws.result(INSTALLER, 'gate-install')).toMatchObject({ status: 'passed', details: { resolvedNames: ['tinydep'] } });
  });

  it('replays all five from the cache when the state is unchanged', () => {
    expect(runGates()).toEqual([]);
  });

  it("release-dry-run's state thread, started before its work is known, answers exactly what hashing reads on its own", async () => {
    // release-dry-run hashes its gates with the answers of a worker thread (cache-key/state-thread.ts); a thread that
    // failed would go unseen (hashing then probes on its own), so its answers are compared here, from the installed plugin.
    const installed = (module: string) => require(ws.path(`node_modules/nx-release-gates/src/cache-key/${module}.js`));
    const { stateProbesOf } = installed('state-hasher') as typeof import('../../../packages/nx-release-gates/src/cache-key/state-hasher');
    const { probeLines } = installed('state-lines') as typeof import('../../../packages/nx-release-gates/src/cache-key/state-lines');
    const { startStateThreadEarly, probeLinesInThread } = installed('state-thread') as typeof import('../../../packages/nx-release-gates/src/cache-key/state-thread');
    startStateThreadEarly();
    const probes = new Map<string, string[]>();
    for (const project of [STATELY, INSTALLER]) {
      const shown = ws.nx(['show', 'project', project, '--json']);
      expect(shown.exitCode).toBe(0);
      const targets = (JSON.parse(shown.stdout) as { targets: Record<string, { metadata?: unknown }> }).targets;
      for (const target of Object.values(targets)) for (const probe of stateProbesOf(target.metadata)) probes.set(JSON.stringify(probe), probe);
    }
    const work = { workspaceRoot: ws.root, probes: [...probes.values()] };
    expect(new Set(work.probes.map((p) => p[0]))).toEqual(new Set(['lockfile', 'workflows', 'registry', 'tags', 'engines', 'resolution', 'semver-tool']));
    const fromThread = await probeLinesInThread(work);
    expect(fromThread).toEqual(await Promise.all(work.probes.map((probe) => probeLines(ws.root, probe))));
    expect(fromThread.flat().join('\n')).not.toMatch(/unreadable|unknown state kind/);
  });

  it('re-runs gate-semver (and gate-version) after a new release tag of the crate', () => {
    ws.git(['tag', `${STATELY}-v0.1.0`]);
    expect(runGates()).toEqual(['gate-semver', 'gate-version']);
    // The tag is now the baseline: cargo-semver-checks compared (0.1 -> 0.2 may break, so it may run no check).
    expect(ws.result(STATELY, 'gate-semver').details.baseline).toMatchObject({ kind: 'tag', tag: `${STATELY}-v0.1.0` });
  });

  it('re-runs the registry gates after the version appears in the index, and they fail truthfully', () => {
    writeIndexEntry(INDEX, STATELY, [{ version: '0.1.0' }, { version: '0.2.0' }]);
    expect(runGates()).toEqual(['gate-publish', 'gate-semver', 'gate-version']);
    expect(ws.result(STATELY, 'gate-version')).toMatchObject({ status: 'failed', reason: expect.stringContaining('already published') });
    expect(ws.result(STATELY, 'gate-publish')).toMatchObject({ status: 'failed', reason: expect.stringContaining('already published') });
  });

  it('re-runs gate-install after a new release of a dependency in the registry index', () => {
    writeIndexEntry(INDEX, 'tinydep', [{ version: '0.1.0' }, { version: '0.1.1' }]);
    expect(runGates()).toEqual(['gate-install', 'gate-publish', 'gate-version']);
    // cargo's source (the directory) still holds 0.1.0 only.
    expect(status(INSTALLER, 'gate-install')).toBe('passed');
  });

  it('re-runs gate-install after the new release reaches the local source cargo resolves from, and it fails truthfully', () => {
    for (const [file, content] of Object.entries(vendored('0.1.1'))) ws.write(file, content);
    expect(runGates()).toEqual(['gate-install', 'gate-publish', 'gate-version']);
    expect(ws.result(INSTALLER, 'gate-install')).toMatchObject({ status: 'failed', details: { differences: [{ name: 'tinydep', locked: ['0.1.0'], fresh: ['0.1.1'] }] } });
  });

  it('refuses, in one line, a registryIndex given where the cache key cannot see it', () => {
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'nrg-state-other-'));
    try {
      const run = ws.nx(['run', `${STATELY}:gate-version`, `--registryIndex=${other}`]);
      expect(run.exitCode).not.toBe(0);
      const result = ws.result(STATELY, 'gate-version');
      expect(result.status).toBe('failed');
      expect(result.reason).toMatch(/^option registryIndex differs from what gate-version's cache key reads .*nx\.json plugin options or in Cargo\.toml/);
      expect(result.reason.split('\n')).toHaveLength(1);
      expect(run.output).not.toMatch(/\n\s+at /);
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  });

  it('with the Nx daemon on, sees a new release tag at the next run (the state is read on every run, not kept by the daemon)', () => {
    const daemon = { NX_DAEMON: 'true' };
    try {
      runGates(daemon);
      // gate-semver passes here (failed gates are never cached, so they run every time): it replays ...
      expect(status(STATELY, 'gate-semver')).toBe('passed');
      expect(runGates(daemon)).not.toContain('gate-semver');
      // ... until a release tag of the crate appears, which the daemon's runs see at once.
      ws.git(['tag', `${STATELY}-v0.1.1`]);
      expect(runGates(daemon)).toContain('gate-semver');
    } finally {
      ws.nx(['daemon', '--stop']);
    }
  });

  it('re-runs gate-docker when a container engine appears', () => {
    const docker = path.join(FAKE_BIN, 'docker');
    // An engine that answers the probe and builds anything.
    fs.writeFileSync(docker, '#!/bin/sh\nif [ "$1" = version ]; then echo 27.0.0; fi\nexit 0\n', { mode: 0o755 });
    const env = { PATH: `${FAKE_BIN}${path.delimiter}${process.env.PATH}` };
    expect(runGates(env)).toContain('gate-docker');
    expect(ws.result(STATELY, 'gate-docker')).toMatchObject({ status: 'passed', details: { engine: 'docker' } });
  });

  it('replays a whole release-dry-run while the state its gates read is unchanged, and runs it after a new release tag, daemon off and on', () => {
    // The dry run's gates, chosen where its outputs can follow them (nx.json), and passing in this state.
    const nxJson = JSON.parse(ws.read('nx.json'));
    nxJson.targetDefaults = { ...nxJson.targetDefaults, 'release-dry-run': { options: { gates: ['gate-semver', 'gate-fmt'] } } };
    ws.write('nx.json', JSON.stringify(nxJson, null, 2));
    const dryRun = (env: Record<string, string> = {}) => {
      const run = ws.nx(['run', `${STATELY}:release-dry-run`], env);
      const report = ws.result(STATELY, 'release-dry-run');
      expect([run.exitCode, report.status]).toEqual([0, 'passed']);
      const sources = Object.fromEntries(report.rows.map((r: { gate: string; source: string }) => [r.gate, r.source]));
      return { replayedFrom: report.replayedFrom, runId: report.run.runId, sources };
    };
    const first = dryRun();
    expect(first.replayedFrom).toBeUndefined();
    expect(dryRun()).toEqual({ replayedFrom: 'local cache', runId: first.runId, sources: { 'gate-fmt': 'local cache', 'gate-semver': 'local cache' } });
    ws.git(['tag', `${STATELY}-v0.1.3`]);
    const tagged = dryRun();
    expect(tagged.replayedFrom).toBeUndefined();
    expect(tagged.runId).not.toBe(first.runId);
    expect(tagged.sources).toEqual({ 'gate-fmt': 'local cache', 'gate-semver': 'ran' });
    expect(ws.result(STATELY, 'gate-semver').details.baseline).toMatchObject({ kind: 'tag', tag: `${STATELY}-v0.1.3` });
    // With a trusted key the dry run runs, so that each replay is checked for a trusted run's signature (none here:
    // both gates run again), although a whole replay was there to take.
    expect(dryRun().replayedFrom).toBe('local cache');
    const publicKey = path.join(FAKE_BIN, 'release-gates.pub');
    fs.writeFileSync(publicKey, generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString());
    const checked = dryRun({ NX_RELEASE_GATES_TRUSTED_KEY: publicKey });
    expect(checked.replayedFrom).toBeUndefined();
    expect(checked.sources).toEqual({ 'gate-fmt': 'ran', 'gate-semver': 'ran' });
    const daemon = { NX_DAEMON: 'true' };
    try {
      dryRun(daemon);
      expect(dryRun(daemon).replayedFrom).toBe('local cache');
      ws.git(['tag', `${STATELY}-v0.1.4`]);
      const seen = dryRun(daemon);
      expect(seen.replayedFrom).toBeUndefined();
      expect(seen.sources['gate-semver']).toBe('ran');
    } finally {
      ws.nx(['daemon', '--stop']);
    }
  });
});
