/**
 * A maintainer runs release-dry-run over a workspace: the combined table of a run over two crates with the Nx daemon
 * on, and the daemon's project graph left as it was; gate-lockfile and gate-version cached and re-run when their outside state changes; one Nx start per dry run; a second dry run of the same
 * crate refuses while the first runs; SIGTERM to the outer nx and SIGINT to a CI job's process group end the run
 * as interrupted, say so in one line (in the job's log too) and leave nothing running, nor does SIGKILL; a result
 * folder that cannot be written fails the report and the summary.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { crateFiles } from '../support/crates';
import { TestWorkspace } from '../support/workspace';
import { buildScriptRunning, processesIn, sleep, waitFor } from '../support/processes';

const GATES = ['gate-lockfile', 'gate-version', 'gate-build'];
/** A build script that takes a while, so a test can act while cargo builds; edited to force a new build. */
const SLOW_BUILD = (marker: string) => `fn main() {\n    // ${marker}\n    println!("cargo:rerun-if-changed=build.rs");\n    std::thread::sleep(std::time::Duration::from_secs(40));\n}\n`;

function report(ws: TestWorkspace, crate: string): Record<string, any> {
  return ws.result(crate, 'release-dry-run');
}
const sources = (r: Record<string, any>) => Object.fromEntries(r.rows.map((row: any) => [row.gate, /cache/.test(row.source) ? 'cache' : row.source]));

/** A dry run in its own process group, as a CI runner's job; its output to pipes, or with `log` to that file. */
function startDryRun(ws: TestWorkspace, crate: string, log?: string) {
  const nxPackage = path.join(ws.root, 'node_modules', 'nx');
  const bin = JSON.parse(fs.readFileSync(path.join(nxPackage, 'package.json'), 'utf8')).bin.nx as string;
  const logFd = log ? fs.openSync(log, 'w') : null;
  const child = spawn(process.execPath, [path.join(nxPackage, bin), 'run', `${crate}:release-dry-run`], {
    cwd: ws.root,
    detached: true,
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', CI: 'true' },
    stdio: logFd === null ? ['ignore', 'pipe', 'pipe'] : ['ignore', logFd, logFd],
  });
  if (logFd !== null) fs.closeSync(logFd);
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  // 'close': every line written to the job's output has been read (a process may write the last one just before nx exits).
  const exit = new Promise<number | null>((resolve) => child.on('close', (code, signal) => resolve(code ?? (signal ? -1 : null))));
  return { child, exit, output: () => (log ? fs.readFileSync(log, 'utf8') : output) };
}

describe('release-dry-run', () => {
  let ws: TestWorkspace;

  beforeAll(() => {
    ws = TestWorkspace.create('dry-run', {
      files: { ...crateFiles({ name: 'alpha' }), ...crateFiles({ name: 'beta', files: { 'build.rs': SLOW_BUILD('0') } }) },
      nxJson: { targetDefaults: { 'release-dry-run': { options: { gates: GATES } } } },
    });
    // beta's slow build script only for the interruption tests: first build it once, then it is cached by cargo.
  });
  afterAll(() => ws?.remove());

  it('prints one combined table after run-many over two crates with the daemon on', () => {
    const run = ws.nx(['run-many', '-t', 'release-dry-run', '--projects=alpha,beta', '--outputStyle=static'], { NX_DAEMON: 'true' });
    expect(run.exitCode).toBe(0);
    const combined = run.stdout.split('\n').findIndex((l) => l.startsWith('Release dry run of 2 crates'));
    expect(combined).toBeGreaterThanOrEqual(0);
    const rows = run.stdout.split('\n').slice(combined).filter((l) => /^(alpha|beta)\s+gate-/.test(l));
    expect(rows.map((l) => l.split(/\s+/).slice(0, 3).join(' ')).sort()).toEqual(
      [...GATES.map((g) => `alpha ${g} PASSED`), ...GATES.map((g) => `beta ${g} PASSED`)].sort(),
    );
    expect(report(ws, 'alpha').status).toBe('passed');
    ws.nx(['daemon', '--stop']); // the later tests look for processes left in the workspace
  });

  // The daemon rebuilds its graph (and restarts every plugin worker) when a client's environment differs from the
  // last one it saw; a dry run that hashed its gates through the daemon handed it the task's environment, and the
  // next Nx command in the terminal paid a whole rebuild. The graph file is rewritten on every rebuild.
  it('leaves the daemon its project graph: the Nx command after a dry run does not rebuild it', () => {
    const daemon = { NX_DAEMON: 'true' };
    const graphFile = path.join(ws.root, '.nx', 'workspace-data', 'project-graph.json');
    try {
      expect(ws.nx(['show', 'projects'], daemon).exitCode).toBe(0);
      const built = fs.statSync(graphFile).mtimeMs;
      const run = ws.nx(['run', 'alpha:release-dry-run'], daemon);
      expect([run.exitCode, report(ws, 'alpha').status]).toEqual([0, 'passed']);
      expect(ws.nx(['show', 'projects'], daemon).exitCode).toBe(0);
      expect(fs.statSync(graphFile).mtimeMs).toBe(built);
    } finally {
      ws.nx(['daemon', '--stop']);
    }
  });

  // gate-version is keyed by the registry entry and the release tags: unchanged, it replays; a new tag re-runs it.
  it('replays gate-lockfile and gate-version, re-runs gate-version on a new tag and gate-lockfile when Cargo.lock changes', () => {
    expect(ws.nx(['run', 'alpha:release-dry-run']).exitCode).toBe(0);
    expect(sources(report(ws, 'alpha'))).toEqual({ 'gate-lockfile': 'cache', 'gate-version': 'cache', 'gate-build': 'cache' });

    ws.git(['tag', 'v0.1.0']);
    const tagged = ws.nx(['run', 'alpha:release-dry-run'], { RELEASE_TAG: 'v0.1.0' });
    expect(sources(report(ws, 'alpha'))['gate-version']).toBe('ran');
    const version = report(ws, 'alpha').rows.find((r: any) => r.gate === 'gate-version');
    expect([version.status, tagged.exitCode]).toEqual(['failed', 1]); // the tag exists already: the version is burnt

    ws.write('alpha/Cargo.lock', `${ws.read('alpha/Cargo.lock')}\n`);
    expect(ws.nx(['run', 'alpha:release-dry-run']).exitCode).toBe(1);
    const lockfile = report(ws, 'alpha').rows.find((r: any) => r.gate === 'gate-lockfile');
    expect([lockfile.source, lockfile.status]).toEqual(['ran', 'failed']);
    expect(ws.result('alpha', 'gate-lockfile').details.gitState).toBe('modified');
    ws.git(['checkout', '--', 'alpha/Cargo.lock']);
    expect(ws.nx(['run', 'alpha:release-dry-run']).exitCode).toBe(0);
  });

  it('starts Nx once: the gates run with Nx\'s task runner inside the dry run\'s process, not a second nx', () => {
    const trace = ws.path('execs.trace');
    const run = ws.run('strace', ['-f', '-qq', '-s', '4096', '-e', 'trace=execve', '-e', 'signal=none', '-o', trace, process.execPath, ws.nxScript(), 'run', 'alpha:release-dry-run']);
    expect(run.exitCode).toBe(0);
    expect(sources(report(ws, 'alpha'))).toEqual({ 'gate-lockfile': 'cache', 'gate-version': 'cache', 'gate-build': 'cache' });
    // Every process started under the outer nx: the nx CLI script must be started exactly once (by this test).
    const execs = fs.readFileSync(trace, 'utf8').split('\n').filter((l) => /execve\(/.test(l) && !/ENOENT/.test(l));
    expect(execs.filter((l) => l.includes(ws.nxScript())).length).toBe(1);
    fs.rmSync(trace, { force: true });
  });

  it('refuses a second dry run of the same crate while one runs, and touches nothing', async () => {
    ws.write('beta/build.rs', SLOW_BUILD('concurrent'));
    const first = startDryRun(ws, 'beta');
    await waitFor('beta build script', buildScriptRunning(ws.root));
    const second = ws.nx(['run', 'beta:release-dry-run']);
    expect(second.exitCode).not.toBe(0);
    expect(second.output.split('\n').filter((l) => l.includes('another release-dry-run of beta is running'))).toHaveLength(1);
    expect(await first.exit).toBe(0);
    expect(report(ws, 'beta').status).toBe('passed');
  });

  // The release-dry-run task exits 143; the Nx 23.2.1 CLI around it reports any interrupted run as 130.
  it('SIGTERM while a gate builds: the run ends as interrupted, the gates say so, nothing of the workspace keeps running', async () => {
    ws.write('beta/build.rs', SLOW_BUILD('sigterm'));
    const run = startDryRun(ws, 'beta');
    await waitFor('beta build script', buildScriptRunning(ws.root));
    process.kill(run.child.pid!, 'SIGTERM');
    expect(await run.exit).toBe(130);
    expect(report(ws, 'beta').interruptedBy).toBe('SIGTERM');
    expect(run.output().split('\n').filter((l) => l.includes('beta:release-dry-run interrupted by SIGTERM'))).toHaveLength(1);
    await sleep(1000);
    expect(processesIn(ws.root)).toEqual([]);
    const rows = Object.fromEntries(report(ws, 'beta').rows.map((r: any) => [r.gate, r.status]));
    expect(rows['gate-build']).toBe('interrupted');
    expect(report(ws, 'beta').status).toBe('failed');
  });

  // A cancelled CI job: every process of the job gets SIGINT at once, and Nx then prints nothing more of its own.
  it('SIGINT to the process group of a job logging to a file: the log says what was cut off, the report says interrupted', async () => {
    ws.write('beta/build.rs', SLOW_BUILD('sigint-group'));
    const log = `${ws.root}.sigint.log`;
    const run = startDryRun(ws, 'beta', log);
    try {
      await waitFor('beta build script', buildScriptRunning(ws.root));
      process.kill(-run.child.pid!, 'SIGINT');
      expect(await run.exit).toBe(130);
      expect(report(ws, 'beta').interruptedBy).toBe('SIGINT');
      expect(Object.fromEntries(report(ws, 'beta').rows.map((r: any) => [r.gate, r.status]))['gate-build']).toBe('interrupted');
      // One line; which other gates were still running when the signal came (gate-version asks the registry) varies.
      const lines = run.output().split('\n').filter((l) => l.includes('beta:release-dry-run interrupted by SIGINT:'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/: (\S+, )*gate-build(, \S+)* not finished/);
      await waitFor('the job to leave nothing running', () => processesIn(ws.root).length === 0, 15_000).catch(() => undefined);
      expect(processesIn(ws.root)).toEqual([]);
    } finally {
      fs.rmSync(log, { force: true });
    }
  });

  it('SIGKILL of the process group leaves no cargo, rustc, build script or nx running', async () => {
    ws.write('beta/build.rs', SLOW_BUILD('sigkill'));
    const run = startDryRun(ws, 'beta');
    await waitFor('beta build script', buildScriptRunning(ws.root));
    process.kill(-run.child.pid!, 'SIGKILL');
    await run.exit;
    await sleep(1500);
    expect(processesIn(ws.root)).toEqual([]);
  });

  it('a result folder that cannot be written makes the run and summary.json FAILED, in one line', () => {
    expect(ws.nx(['run', 'alpha:release-dry-run']).exitCode).toBe(0);
    // A folder where the report must go: it can be neither removed nor replaced (root ignores permission bits).
    fs.rmSync(ws.path('dist/release-gates/alpha/release-dry-run.json'));
    ws.write('dist/release-gates/alpha/release-dry-run.json/blocker', 'x');
    // Past the cache, so the dry run runs (a whole replay would restore the report past the blocker); it refuses
    // before any gate runs.
    const run = ws.nx(['run', 'alpha:release-dry-run', '--skip-nx-cache']);
    expect(run.exitCode).not.toBe(0);
    expect(run.output.split('\n').filter((l) => /alpha:release-dry-run failed: cannot remove the previous/.test(l))).toHaveLength(1);
    const summary = JSON.parse(ws.read('dist/release-gates/summary.json'));
    expect(summary.status).toBe('failed');
    expect(run.stdout).toContain('Release gates: FAILED');
    expect(run.stdout).not.toContain('Release gates: PASSED');
  });
});
