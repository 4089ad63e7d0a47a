/**
 * Caching: a second release-dry-run with nothing changed replays whole (every gate); an empty commit runs the dry
 * run again (its report records the commit) with every gate replayed; a source edit misses (but for
 * gate-lockfile and gate-workflows, whose keys hold no source file), a Cargo.lock edit and a new maxBinarySize (from
 * Cargo.toml metadata, nx.json plugin options and project.json target options) miss, and so does a variable only a
 * gate's own .env file sets.
 * Steps run in order on one workspace; each compares with the results of the step before.
 */
import * as fs from 'node:fs';
import { crateFiles } from '../support/crates';
import { GATE_TARGETS } from '../support/checks';
import { TestWorkspace } from '../support/workspace';

const CRATE = 'cache-tool';
const MiB = 1024 * 1024;

describe('gate caching', () => {
  let ws: TestWorkspace;
  let previous: Record<string, any>;

  /** Runs release-dry-run and returns its report, with every gate passing. */
  function dryRun(): Record<string, any> {
    const run = ws.nx(['run', `${CRATE}:release-dry-run`]);
    const report = ws.result(CRATE, 'release-dry-run');
    expect(report.gates.map((g: any) => [g.gate, g.status === 'failed' ? g.reason : 'ok'])).toEqual(GATE_TARGETS.map((t) => [t, 'ok']));
    expect(run.exitCode).toBe(0);
    return report;
  }
  const byGate = (report: Record<string, any>) => Object.fromEntries(report.gates.map((g: any) => [g.gate, g]));
  /** `ran`, or `cache` for a replay (the report may say `local cache` or `remote cache`). */
  const sources = (report: Record<string, any>) =>
    Object.fromEntries(report.gates.map((g: any) => [g.gate, /cache/.test(g.source) ? 'cache' : g.source]));
  const everyGate = (source: string) => Object.fromEntries(GATE_TARGETS.map((t) => [t, source]));
  /** Gates whose result was written by a new run (startedAt differs from the step before). */
  const rerun = (report: Record<string, any>) => {
    const before = byGate(previous);
    return report.gates.filter((g: any) => g.startedAt !== before[g.gate]?.startedAt).map((g: any) => g.gate);
  };

  beforeAll(() => {
    ws = TestWorkspace.create('cache', {
      files: crateFiles({ name: CRATE }),
      // The six gates of the release process (gates added later have their own tests).
      nxJson: { targetDefaults: { 'release-dry-run': { options: { gates: [...GATE_TARGETS] } } } },
    });
    previous = dryRun();
  });
  afterAll(() => ws?.remove());

  it('ran every gate the first time', () => {
    expect(sources(previous)).toEqual(everyGate('ran'));
  });

  it('replays every gate from the cache when nothing changed', () => {
    const report = dryRun();
    expect(sources(report)).toEqual(everyGate('cache'));
    expect(rerun(report)).toEqual([]);
    // The replayed result files on disk are the first run's.
    for (const target of GATE_TARGETS) expect(ws.result(CRATE, target).startedAt).toBe(byGate(previous)[target].startedAt);
    // Nx replayed the whole dry run: no executor ran, the report is the first run's (its run id), marked replayed.
    expect(report.replayedFrom).toBe('local cache');
    expect(report.run.runId).toBe(previous.run.runId);
    previous = report;
  });

  it('runs the dry run again after an empty commit (the report records the commit), and every gate replays', () => {
    ws.git(['commit', '-q', '--allow-empty', '-m', 'nothing changed']);
    const head = ws.git(['rev-parse', 'HEAD']).trim();
    expect(previous.git.commit).not.toBe(head);
    const report = dryRun();
    expect(report.replayedFrom).toBeUndefined();
    expect(report.run.runId).not.toBe(previous.run.runId);
    expect(report.git).toEqual({ commit: head, clean: previous.git.clean });
    expect(sources(report)).toEqual(everyGate('cache'));
    previous = report;
  });

  it('misses after a source edit', () => {
    ws.write(`${CRATE}/src/main.rs`, `${ws.read(`${CRATE}/src/main.rs`)}\n/// Subtracts.\npub fn sub(a: i32, b: i32) -> i32 {\n    a - b\n}\n`);
    const report = dryRun();
    expect(sources(report)).toEqual(everyGate('ran'));
    expect(rerun(report).sort()).toEqual([...GATE_TARGETS].sort());
    previous = report;
  });

  it('a comment in src/main.rs re-runs neither gate-lockfile nor gate-workflows (their keys hold no source file)', () => {
    expect(ws.nx(['g', 'nx-release-gates:workflows']).exitCode).toBe(0);
    ws.commitAll('workflows');
    const both = ['run-many', '-t', 'gate-lockfile', 'gate-workflows', `--projects=${CRATE}`];
    expect(ws.nx(both).exitCode).toBe(0);
    const first = { lockfile: ws.result(CRATE, 'gate-lockfile'), workflows: ws.result(CRATE, 'gate-workflows') };
    expect([first.lockfile.status, first.workflows.status]).toEqual(['passed', 'passed']);
    ws.write(`${CRATE}/src/main.rs`, `${ws.read(`${CRATE}/src/main.rs`)}\n// A comment.\n`);
    ws.commitAll('a comment');
    const again = ws.nx(both);
    expect(again.exitCode).toBe(0);
    expect(ws.result(CRATE, 'gate-lockfile').startedAt).toBe(first.lockfile.startedAt);
    expect(ws.result(CRATE, 'gate-workflows').startedAt).toBe(first.workflows.startedAt);
    // A gate that reads the sources does run again.
    expect(ws.nx(['run', `${CRATE}:gate-build`]).exitCode).toBe(0);
    expect(ws.result(CRATE, 'gate-build').startedAt).not.toBe(byGate(previous)['gate-build'].startedAt);
    previous = dryRun();
  });

  // Cargo.lock's packages are Nx external nodes, for a standalone crate as inside a Cargo workspace: an edit
  // that changes none of the crate's packages keeps its gates cached; a bump of a package it uses misses
  // (graph.spec.ts, "a Cargo.lock edit re-runs only the crates that use the package that changed").
  it('replays after a Cargo.lock edit that changes none of its packages', () => {
    const lock = ws.read(`${CRATE}/Cargo.lock`);
    expect(lock).toContain('version = 4');
    // Lockfile format 3 is still valid for cargo (also with --locked) and changes no package.
    ws.write(`${CRATE}/Cargo.lock`, lock.replace('version = 4', 'version = 3'));
    const report = dryRun();
    expect(sources(report)).toEqual(everyGate('cache'));
    previous = report;
  });

  /**
   * A new size limit: gate-size alone runs (gate-build replays or runs as its own inputs say), and must not replay
   * the result computed under the old limit.
   */
  function sizeLimitChange(change: () => void, limit: number): void {
    const before = ws.result(CRATE, 'gate-size');
    expect(before.details.limit).not.toBe(limit);
    change();
    const run = ws.nx(['run', `${CRATE}:gate-size`]);
    const after = ws.result(CRATE, 'gate-size');
    expect(after.startedAt).not.toBe(before.startedAt);
    expect(after).toMatchObject({ status: 'passed', details: { limit } });
    expect(run.exitCode).toBe(0);
  }

  it('misses after a new maxBinarySize in the nx.json plugin options', () => {
    sizeLimitChange(() => {
      const nxJson = JSON.parse(ws.read('nx.json'));
      nxJson.plugins = [{ plugin: 'nx-release-gates', options: { maxBinarySize: '25MiB' } }];
      ws.write('nx.json', JSON.stringify(nxJson, null, 2));
    }, 25 * MiB);
  });

  it('misses after a new max-binary-size in Cargo.toml metadata (which overrides nx.json)', () => {
    sizeLimitChange(() => {
      ws.write(`${CRATE}/Cargo.toml`, `${ws.read(`${CRATE}/Cargo.toml`)}\n[package.metadata.release-gates]\nmax-binary-size = "30MiB"\n`);
    }, 30 * MiB);
  });

  it('misses after a new maxBinarySize in nx.json targetDefaults (which override Cargo.toml), with no file of the crate changed', () => {
    sizeLimitChange(() => {
      const nxJson = JSON.parse(ws.read('nx.json'));
      nxJson.targetDefaults['gate-size'] = { options: { maxBinarySize: '40MiB' } };
      ws.write('nx.json', JSON.stringify(nxJson, null, 2));
    }, 40 * MiB);
  });

  it('misses after a new maxBinarySize in project.json target options (which override targetDefaults)', () => {
    sizeLimitChange(() => {
      ws.write(`${CRATE}/project.json`, JSON.stringify({ name: CRATE, targets: { 'gate-size': { options: { maxBinarySize: 35 * MiB } } } }, null, 2));
    }, 35 * MiB);
  });

  it('replays again once the options stop changing', () => {
    const before = ws.result(CRATE, 'gate-size');
    const run = ws.nx(['run', `${CRATE}:gate-size`]);
    expect(run.exitCode).toBe(0);
    expect(ws.result(CRATE, 'gate-size')).toEqual(before);
  });

  it('runs the dry run when a variable reaches one gate through its own .env file (.env.gate-build), and the gate sees it', () => {
    // Dead code: a warning, and an error under RUSTFLAGS=-Dwarnings.
    ws.write(`${CRATE}/src/main.rs`, `${ws.read(`${CRATE}/src/main.rs`)}\nfn helper_unused() -> i32 {\n    7\n}\n`);
    expect(ws.nx(['run', `${CRATE}:release-dry-run`]).exitCode).toBe(0);
    expect(ws.nx(['run', `${CRATE}:release-dry-run`]).exitCode).toBe(0);
    const replayed = ws.result(CRATE, 'release-dry-run');
    expect(replayed.replayedFrom).toBe('local cache');
    // Untracked, so git's tree state is unchanged; Nx gives its variables to gate-build's task alone.
    ws.write('.env.gate-build', 'RUSTFLAGS=-Dwarnings\n');
    try {
      const run = ws.nx(['run', `${CRATE}:release-dry-run`]);
      const report = ws.result(CRATE, 'release-dry-run');
      expect(report.replayedFrom).toBeUndefined();
      expect(report.run.runId).not.toBe(replayed.run.runId);
      expect(ws.result(CRATE, 'gate-build').status).toBe('failed');
      expect(run.exitCode).not.toBe(0);
    } finally {
      fs.rmSync(ws.path('.env.gate-build'), { force: true });
    }
  });
});
