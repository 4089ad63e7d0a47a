/**
 * A team shares a remote cache: clone A of a commit runs release-dry-run against a self-hosted cache server
 * speaking Nx's API (support/remote-cache-server.ts); clone B of the same commit, in another folder with an empty
 * local cache, replays every cacheable gate from it, gate-build's binary included. A difference that changes a
 * verdict (RUSTFLAGS, an emergency skip) replays none of the gates it affects. A failing server (down, 500, garbage)
 * never yields a pass: with the plugin's check turned off Nx 23.2.1 ends the run with exit 1 and leaves no passing
 * report; with the probe first (nx-release-gates-remote-cache-probe), every gate runs; with neither, the check
 * before each Nx run turns the remote cache off for that run and says so, and the gate runs here. release-parity against clone A's report shows
 * no difference for clone B and the one difference of each other clone. Steps run in order; each reads result files.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { testCudaPath } from '../support/checks';
import { cloneOf, emptyLocalCache } from '../support/clones';
import { crateFiles } from '../support/crates';
import { FaultMode, RemoteCacheServer } from '../support/remote-cache-server';
import { TestWorkspace } from '../support/workspace';

const CRATE = 'shared-tool';
const TOKEN = 'e2e-write-token';
/**
 * Every gate has `cache: true`; those reading outside state (lockfile, workflows, and the registry, tag and engine
 * gates) through their state inputs, which print the same in both clones of one commit on one machine.
 */
const CACHEABLE = [
  'gate-lockfile',
  'gate-fmt',
  'gate-workflows',
  'gate-version',
  'gate-build',
  'gate-cuda',
  'gate-package',
  'gate-install',
  'gate-size',
  'gate-test',
  'gate-doc',
  'gate-semver',
  'gate-publish',
  'gate-docker',
];

interface DryRun {
  exitCode: number;
  output: string;
  /** release-dry-run.json, or null when there is none. */
  report: Record<string, any> | null;
  /** When this run started: a report started before it is an earlier run's (Nx ended before the dry run). */
  startedAt: number;
  /** Gate -> source, from dist/release-gates/summary.json (none without one). */
  sources: Record<string, string>;
  /** summary.json's status, or null without one. */
  summaryStatus: string | null;
}

/** Asynchronous: the cache server answers from this test process, which a synchronous spawn would block. */
async function dryRun(ws: TestWorkspace, env: Record<string, string>): Promise<DryRun> {
  const startedAt = Date.now();
  const run = await ws.nxAsync(['run', `${CRATE}:release-dry-run`], env);
  const summary = ws.exists('dist/release-gates/summary.json') ? JSON.parse(ws.read('dist/release-gates/summary.json')) : null;
  const sources = Object.fromEntries((summary?.rows ?? []).filter((r: any) => r.project === CRATE).map((r: any) => [r.gate, r.source]));
  const report = ws.exists(`dist/release-gates/${CRATE}/release-dry-run.json`) ? ws.result(CRATE, 'release-dry-run') : null;
  return { exitCode: run.exitCode, output: run.output, report, startedAt, sources, summaryStatus: summary?.status ?? null };
}

/** release-parity of `ws`'s report against clone A's: the fields that differ, from release-parity.json. */
function parityFields(ws: TestWorkspace, against: TestWorkspace): string[] {
  const run = ws.nx(['run', `${CRATE}:release-parity`, `--against=${against.path(`dist/release-gates/${CRATE}/release-dry-run.json`)}`]);
  expect(run.exitCode).toBe(0);
  return ws.result(CRATE, 'release-parity').differences.map((d: { field: string }) => d.field);
}

const only = (sources: Record<string, string>, gates: string[]) => Object.fromEntries(gates.map((g) => [g, sources[g]]));
const every = (gates: string[], source: string) => Object.fromEntries(gates.map((g) => [g, source]));
const failedGates = (report: Record<string, any> | null) => (report ? report.rows : [{ gate: 'release-dry-run', status: 'failed', reason: 'no report' }]).filter((r: any) => r.status === 'failed').map((r: any) => `${r.gate}: ${r.reason}`);

describe('shared remote cache', () => {
  let server: RemoteCacheServer;
  let a: TestWorkspace;
  let b: TestWorkspace;
  let first: DryRun;

  beforeAll(async () => {
    server = await RemoteCacheServer.start({ token: TOKEN, slowMs: 20_000 });
    a = TestWorkspace.create('remote-a', { files: crateFiles({ name: CRATE }) });
    b = cloneOf(a, 'remote-b');
    first = await dryRun(a, { ...emptyLocalCache(a), ...server.env() });
  });
  afterAll(async () => {
    await server?.stop();
    a?.remove();
    b?.remove();
  });

  it('clone A runs every gate and uploads each cacheable one', async () => {
    expect(failedGates(first.report)).toEqual([]);
    expect(first.exitCode).toBe(0);
    expect(Object.values(first.sources).every((s) => s === 'ran')).toBe(true);
    // Each gate, and the whole dry run (keyed by the gates' keys: cache-key/dry-run-hasher.ts).
    expect(server.counters.puts).toBe(CACHEABLE.length + 1);
  });

  it('clone B, another folder with an empty local cache, replays every cacheable gate from the remote cache, binaries included', async () => {
    expect(b.root).not.toBe(a.root);
    expect(b.git(['rev-parse', 'HEAD'])).toBe(a.git(['rev-parse', 'HEAD']));
    server.resetCounters();
    const replay = await dryRun(b, { ...emptyLocalCache(b), ...server.env() });
    expect(failedGates(replay.report)).toEqual([]);
    expect(replay.exitCode).toBe(0);
    expect(only(replay.sources, CACHEABLE)).toEqual(every(CACHEABLE, 'remote cache'));
    // One entry: Nx replayed the whole dry run, every gate's outputs with it.
    expect(server.counters).toMatchObject({ hits: 1, puts: 0 });
    expect(replay.report!.replayedFrom).toBe('remote cache');
    // The replayed results are clone A's, with their figures.
    for (const gate of CACHEABLE) expect(b.result(CRATE, gate)).toEqual(a.result(CRATE, gate));
    expect(replay.report!.git.commit).toBe(first.report!.git.commit);
    // gate-build's binary came back from the cache and runs; gate-test's JUnit file too.
    const bin = b.run(b.path(`dist/release-gates/${CRATE}/bin/${CRATE}`), []);
    expect(bin).toMatchObject({ exitCode: 0, stdout: '3\n' });
    expect(b.read(`dist/release-gates/${CRATE}/junit.xml`)).toBe(a.read(`dist/release-gates/${CRATE}/junit.xml`));
    expect(parityFields(b, a)).toEqual([]);
  });

  it('a clone with another RUSTFLAGS replays none of the gates that compile', async () => {
    const run = await dryRun(b, { ...emptyLocalCache(b), ...server.env(), RUSTFLAGS: '-C debuginfo=1' });
    expect(failedGates(run.report)).toEqual([]);
    expect(only(run.sources, ['gate-build', 'gate-cuda', 'gate-test', 'gate-doc'])).toEqual(every(['gate-build', 'gate-cuda', 'gate-test', 'gate-doc'], 'ran'));
    expect(parityFields(b, a)).toEqual(['env RUSTFLAGS']);
    expect(b.read(`dist/release-gates/${CRATE}/release-parity.json`)).not.toContain('debuginfo');
  });

  it('a clone where nvcc appears on PATH replays no gate (the CUDA toolkit is in every gate\'s key)', async () => {
    const run = await dryRun(b, { ...emptyLocalCache(b), ...server.env(), PATH: `${path.join(testCudaPath(), 'bin')}${path.delimiter}${process.env.PATH}` });
    expect(failedGates(run.report)).toEqual([]);
    expect(CACHEABLE.filter((g) => run.sources[g] === 'remote cache')).toEqual([]);
    expect(parityFields(b, a)).toContain('CUDA toolkit');
  });

  it('a clone with another rust-toolchain.toml (the same rustc) replays no gate, and parity names the file', async () => {
    b.write('rust-toolchain.toml', '[toolchain]\nchannel = "1.95.0"\n');
    try {
      const run = await dryRun(b, { ...emptyLocalCache(b), ...server.env() });
      expect(failedGates(run.report)).toEqual([]);
      expect(CACHEABLE.filter((g) => run.sources[g] === 'remote cache')).toEqual([]);
      expect(parityFields(b, a)).toEqual(['toolchain-file: rust-toolchain.toml']);
    } finally {
      fs.rmSync(b.path('rust-toolchain.toml'));
    }
  });

  it('a clone with a release tag still replays every other gate: the tag is in gate-version\'s key only, which runs', async () => {
    const run = await dryRun(b, { ...emptyLocalCache(b), ...server.env(), RELEASE_TAG: 'v0.1.0' });
    const others = CACHEABLE.filter((g) => g !== 'gate-version');
    expect(only(run.sources, others)).toEqual(every(others, 'remote cache'));
    expect(run.sources['gate-version']).toBe('ran');
    expect(run.report!.rows.find((r: any) => r.gate === 'gate-version').status).toBe('passed');
  });

  it('an emergency skip replays no gate (the skip list is an input of every gate)', async () => {
    const run = await dryRun(b, {
      ...emptyLocalCache(b),
      ...server.env(),
      RELEASE_GATES_SKIP: 'gate-doc',
      RELEASE_GATES_SKIP_REASON: 'e2e emergency',
    });
    expect(run.report!.emergency).toEqual({ gates: ['gate-doc'], reason: 'e2e emergency', until: null });
    expect(Object.entries(run.sources).filter(([, s]) => /cache/.test(s))).toEqual([]);
    expect(parityFields(b, a)).toEqual(['emergency skip', 'env RELEASE_GATES_SKIP', 'env RELEASE_GATES_SKIP_REASON']);
  });

  describe.each<FaultMode>(['down', 'error', 'garbage'])('a server that is %s', (mode) => {
    beforeEach(() => server.setFault(mode));
    afterEach(() => server.setFault('none'));

    it('never yields a pass: without the check, Nx 23.2.1 ends the run with exit 1 and no report passes', async () => {
      const run = await dryRun(b, { ...emptyLocalCache(b), ...server.env(), NX_RELEASE_GATES_REMOTE_CACHE_CHECK: 'false' });
      expect(run.exitCode).not.toBe(0);
      // Nx fails at the dry run's own lookup, before it runs or replays: the run summary holds no pass, and a passing
      // report on disk is an earlier run's (started before this one).
      expect(run.summaryStatus ?? 'absent').not.toBe('passed');
      if (run.report?.status === 'passed') expect(Date.parse(run.report.startedAt)).toBeLessThan(run.startedAt);
      for (const gate of CACHEABLE) expect([gate, run.sources[gate]]).not.toEqual([gate, 'remote cache']);
    });

    it('with the probe first, the run goes on without the remote cache and every gate runs and passes', async () => {
      const local = emptyLocalCache(b);
      const githubEnv = b.path('.nx/github-env');
      fs.mkdirSync(path.dirname(githubEnv), { recursive: true });
      fs.writeFileSync(githubEnv, '');
      const probe = await b.runAsync(process.execPath, [b.path('node_modules/.bin/nx-release-gates-remote-cache-probe')], {
        ...server.env(),
        GITHUB_ENV: githubEnv,
        GITHUB_ACTIONS: 'true',
      });
      expect(probe.exitCode).toBe(0);
      const exported = Object.fromEntries(fs.readFileSync(githubEnv, 'utf8').trim().split('\n').map((l) => l.split('=')));
      expect(exported).toEqual({ NX_SKIP_REMOTE_CACHE: 'true' });

      const run = await dryRun(b, { ...local, ...server.env(), ...exported });
      expect(failedGates(run.report)).toEqual([]);
      expect(run.exitCode).toBe(0);
      expect(run.sources).toEqual(every(Object.keys(first.sources), 'ran'));
    });
  });

  describe.each<FaultMode>(['down', 'error', 'garbage', 'slow'])('on a laptop, a server that is %s', (mode) => {
    beforeEach(() => server.setFault(mode));
    afterEach(() => server.setFault('none'));

    it('turns the remote cache off for the run and says so once: the gate runs here and the run exits 0', async () => {
      const before = Date.now();
      const run = await b.nxAsync(['run', `${CRATE}:gate-fmt`], { ...emptyLocalCache(b), ...server.env() });
      expect(run.exitCode).toBe(0);
      const lines = run.output.split('\n').filter((l) => l.includes('nx-release-gates: remote cache:'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/running without the remote cache for this run, every gate runs here/);
      // No pass invented: the result file is this run's, computed here.
      const result = b.result(CRATE, 'gate-fmt');
      expect(result.status).toBe('passed');
      expect(Date.parse(result.startedAt)).toBeGreaterThanOrEqual(before - 1000);
      const summary = JSON.parse(b.read('dist/release-gates/summary.json'));
      expect(summary.rows.filter((r: any) => r.project === CRATE).map((r: any) => [r.gate, r.source])).toEqual([['gate-fmt', 'ran']]);
    });
  });

  it('the probe keeps a healthy server (and exports nothing)', async () => {
    const githubEnv = b.path('.nx/github-env');
    fs.mkdirSync(path.dirname(githubEnv), { recursive: true });
    fs.writeFileSync(githubEnv, '');
    const probe = await b.runAsync(process.execPath, [b.path('node_modules/.bin/nx-release-gates-remote-cache-probe')], { ...server.env(), GITHUB_ENV: githubEnv });
    expect(probe.exitCode).toBe(0);
    expect(fs.readFileSync(githubEnv, 'utf8')).toBe('');
  });
});
