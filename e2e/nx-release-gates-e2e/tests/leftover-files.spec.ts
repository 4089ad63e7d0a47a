/**
 * A maintainer runs gates where earlier runs left files behind, without a cache: a gate judges only what this run
 * produced. A binary, a .crate or a result file an earlier run left behind is never taken for this run's; gate-doc's
 * lint flags join the rustdoc flags cargo uses instead of replacing (or being replaced by) them; paths in options stay
 * inside the workspace; two runs of one gate at once do not mix their files; killing a run's process group leaves no
 * cargo behind; and two clones of one commit in different folders get the same task hashes (what a remote cache needs).
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { crateFiles } from '../support/crates';
import { failedGateLines, stackTraceLines } from '../support/checks';
import { TestWorkspace } from '../support/workspace';

const UNDOCUMENTED_LIB = `//! A library.\n\n/// Documented.\npub fn documented() {}\n\npub fn undocumented() {}\n\n#[cfg(all(doc, not(from_config)))]\ncompile_error!("build.rustdocflags from cargo config were dropped");\n`;

/** A build script that takes long enough to be killed while it runs. */
const SLOW_BUILD_SCRIPT = `fn main() {\n    println!("cargo:rerun-if-changed=build.rs");\n    std::thread::sleep(std::time::Duration::from_secs(60));\n}\n`;

describe('fresh state', () => {
  let ws: TestWorkspace;

  beforeAll(() => {
    ws = TestWorkspace.create('fresh', {
      files: {
        ...crateFiles({ name: 'sized', releaseGates: 'max-binary-size = "5MiB"' }),
        ...crateFiles({ name: 'packed', releaseGates: 'required-files = ["templates/a.txt"]', files: { 'templates/a.txt': 'template\n' } }),
        ...crateFiles({
          name: 'documented',
          lib: UNDOCUMENTED_LIB,
          releaseGates: 'missing-docs = "deny"',
          files: { '.cargo/config.toml': '[build]\nrustdocflags = ["--cfg", "from_config"]\n' },
        }),
        ...crateFiles({ name: 'escaper', releaseGates: 'dockerfile = "../../etc/passwd"' }),
        ...crateFiles({ name: 'linker', releaseGates: 'dockerfile = "link/Dockerfile"' }),
        ...crateFiles({ name: 'slow', packageExtra: 'build = "build.rs"', files: { 'build.rs': SLOW_BUILD_SCRIPT } }),
      },
    });
    fs.symlinkSync('/etc', ws.path('linker/link'));
  });
  afterAll(() => ws?.remove());

  it('gate-size measures nothing when gate-build was skipped in this run, even with an earlier binary on disk', () => {
    expect(ws.nx(['run', 'sized:gate-size']).exitCode).toBe(0);
    expect(ws.result('sized', 'gate-size').status).toBe('passed');
    const run = ws.nx(['run', 'sized:gate-size'], { RELEASE_GATES_SKIP: 'gate-build', RELEASE_GATES_SKIP_REASON: 'test of the emergency path' });
    const size = ws.result('sized', 'gate-size');
    expect(ws.result('sized', 'gate-build').status).toBe('skipped');
    expect(size.status).toBe('skipped');
    expect(size.reason).toMatch(/gate-build was skipped in this run/);
    // gate-build cleared its outputs when it was skipped: no earlier binary is left to be taken for this run's.
    expect(ws.exists('dist/release-gates/sized/bin')).toBe(false);
    expect(run.exitCode).toBe(0);
  });

  it('gate-size fails when gate-build is not part of the run, instead of measuring the binary an earlier run left', () => {
    expect(ws.nx(['run', 'sized:gate-build']).exitCode).toBe(0);
    const run = ws.nx(['run', 'sized:gate-size', '--excludeTaskDependencies', '--skipNxCache']);
    const size = ws.result('sized', 'gate-size');
    expect(size.status).toBe('failed');
    expect(size.reason).toMatch(/gate-build is not part of this Nx run/);
    expect(run.exitCode).not.toBe(0);
  });

  it('gate-package judges the .crate this run wrote after cargo config moved the target directory', () => {
    expect(ws.nx(['run', 'packed:gate-package']).exitCode).toBe(0);
    expect(ws.exists('packed/target/package/packed-0.1.0.crate')).toBe(true);
    // The template leaves the package, and the target directory moves: the old .crate (with the template) stays behind.
    ws.write('packed/.cargo/config.toml', '[build]\ntarget-dir = "moved-target"\n');
    ws.write('packed/Cargo.toml', ws.read('packed/Cargo.toml').replace('license = "MIT"', 'license = "MIT"\nexclude = ["templates/*"]'));
    const run = ws.nx(['run', 'packed:gate-package']);
    const result = ws.result('packed', 'gate-package');
    expect(result.status).toBe('failed');
    expect(result.details.missing).toEqual(['templates/a.txt']);
    expect(ws.exists('packed/moved-target/package/packed-0.1.0.crate')).toBe(true);
    expect(run.exitCode).not.toBe(0);
  });

  it('gate-doc keeps build.rustdocflags from cargo config and missingDocs: deny still fails', () => {
    const run = ws.nx(['run', 'documented:gate-doc']);
    const result = ws.result('documented', 'gate-doc');
    expect(result.status).toBe('failed');
    expect(result.reason).not.toMatch(/were dropped/);
    expect(result.details.undocumentedItems).toBe(1);
    expect(run.exitCode).not.toBe(0);
  });

  it.each([
    ['CARGO_ENCODED_RUSTDOCFLAGS', '--cfg\u001ffrom_config'],
    ['RUSTDOCFLAGS', '--cfg from_config'],
  ])('gate-doc adds missingDocs: deny to %s instead of being voided by it', (name, value) => {
    const run = ws.nx(['run', 'documented:gate-doc'], { [name]: value });
    const result = ws.result('documented', 'gate-doc');
    expect(result.status).toBe('failed');
    expect(result.details.rustdocFlagsAddedTo).toBe(name);
    expect(result.details.undocumentedItems).toBe(1);
    expect(run.exitCode).not.toBe(0);
  });

  it.each([
    ['escaper', /"\.\.\/\.\.\/etc\/passwd".*outside the workspace/],
    ['linker', /"link\/Dockerfile".*resolves to \/etc\/Dockerfile, outside the workspace/],
  ])('refuses a dockerfile path of %s that resolves outside the workspace, in one line', (project, reason) => {
    const run = ws.nx(['run', `${project}:gate-docker`]);
    const result = ws.result(project, 'gate-docker');
    expect(result.status).toBe('failed');
    expect(result.reason).toMatch(reason);
    expect(failedGateLines(run.output, project, 'gate-docker')).toHaveLength(1);
    expect(stackTraceLines(run.output)).toEqual([]);
  });

  it('fails in one line, and the summary says FAILED, when the result folder cannot be written', () => {
    fs.rmSync(ws.path('dist/release-gates/sized'), { recursive: true, force: true });
    ws.write('dist/release-gates/sized', 'a file where the result folder should be\n');
    try {
      const run = ws.nx(['run', 'sized:gate-build', '--skipNxCache']);
      expect(run.exitCode).not.toBe(0);
      expect(failedGateLines(run.output, 'sized', 'gate-build')).toHaveLength(1);
      expect(stackTraceLines(run.output)).toEqual([]);
      const summary = JSON.parse(ws.read('dist/release-gates/summary.json'));
      expect(summary.status).toBe('failed');
      expect(summary.rows.find((r: any) => r.project === 'sized' && r.gate === 'gate-build').status).toBe('failed');
    } finally {
      fs.rmSync(ws.path('dist/release-gates/sized'), { force: true });
    }
  });

  it('two runs of one gate at once take turns: both finish, neither result is mixed or lost', async () => {
    const runs = await Promise.all([ws.nxAsync(['run', 'sized:gate-test', '--skipNxCache']), ws.nxAsync(['run', 'sized:gate-test', '--skipNxCache'])]);
    expect(runs.map((r) => r.exitCode)).toEqual([0, 0]);
    const result = ws.result('sized', 'gate-test');
    expect(result.status).toBe('passed');
    expect(result.details.passed).toBe(1);
    expect(fs.readFileSync(ws.path('dist/release-gates/sized/junit.xml'), 'utf8')).toContain('<testsuites');
  });

  it('leaves no cargo, rustc or build script running after SIGKILL of the run\'s process group', async () => {
    // Its own process group, as a CI runner starts a job: the group is what gets killed.
    const child = spawn(process.execPath, [ws.nxScript(), 'run', 'slow:gate-build', '--skipNxCache'], { cwd: ws.root, env: ws.nxEnv(), stdio: 'ignore', detached: true });
    const inWorkspace = () => processesUnder(ws.root);
    // Wait until the build script runs (it sleeps for a minute).
    const deadline = Date.now() + 60_000;
    while (!inWorkspace().some((p) => /build-script-build/.test(p)) && Date.now() < deadline) await sleep(250);
    expect(inWorkspace().some((p) => /build-script-build/.test(p))).toBe(true);
    process.kill(-child.pid!, 'SIGKILL');
    await sleep(1500);
    expect(inWorkspace()).toEqual([]);
  });

  it.each([
    ['the run\'s process group (a terminal\'s Ctrl-C, a CI job cancelled)', true],
    ['the nx process alone', false],
  ])('says interrupted, exits as interrupted and leaves nothing running when SIGTERM reaches %s', async (_what, group) => {
    const child = spawn(process.execPath, [ws.nxScript(), 'run', 'slow:gate-build', '--skipNxCache'], { cwd: ws.root, env: ws.nxEnv(), stdio: 'ignore', detached: true });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal === 'SIGTERM' ? 143 : null))));
    const deadline = Date.now() + 60_000;
    while (!processesUnder(ws.root).some((p) => /build-script-build/.test(p)) && Date.now() < deadline) await sleep(250);
    process.kill(group ? -child.pid! : child.pid!, 'SIGTERM');
    // Nx 23.2.1 itself exits 130 for any interrupted run (run-command.js: signalToCode('SIGINT') when not completed);
    // the gate's own process exits 143 after writing its result.
    expect([130, 143]).toContain(await exited);
    // The gate's executor may finish writing a moment after nx itself has exited.
    const settle = Date.now() + 15_000;
    while ((processesUnder(ws.root).length || !ws.exists('dist/release-gates/slow/gate-build.json')) && Date.now() < settle) await sleep(250);
    expect(processesUnder(ws.root)).toEqual([]);
    const result = ws.result('slow', 'gate-build');
    expect(result.status).toBe('interrupted');
    expect(result.reason).toMatch(/^interrupted by SIGTERM/);
  });

  it('two clones of one commit in different folders get identical task hashes', () => {
    ws.git(['add', '-A']);
    ws.git(['commit', '-q', '--allow-empty', '-m', 'state for the clone']);
    const clone = fs.mkdtempSync(path.join(path.dirname(ws.root), 'nrg-fresh-clone-'));
    try {
      spawnSync('git', ['clone', '-q', ws.root, clone], { stdio: 'ignore' });
      fs.cpSync(ws.path('node_modules'), path.join(clone, 'node_modules'), { recursive: true, verbatimSymlinks: true });
      const other = new TestWorkspace(clone);
      const hashes = (w: TestWorkspace) => {
        expect(w.nx(['run-many', '-t', 'gate-fmt', 'gate-build', 'gate-test', '-p', 'sized', '--skipNxCache']).exitCode).toBe(0);
        return ['gate-fmt', 'gate-build', 'gate-test'].map((t) => w.result('sized', t).run.taskHash);
      };
      const here = hashes(ws);
      const there = hashes(other);
      console.log(`task hashes of sized (gate-fmt, gate-build, gate-test): ${ws.root}: ${here.join(' ')}; ${clone}: ${there.join(' ')}`);
      expect(here.every((h) => typeof h === 'string' && h.length > 0)).toBe(true);
      expect(there).toEqual(here);
    } finally {
      fs.rmSync(clone, { recursive: true, force: true });
    }
  });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Command lines of the processes whose working directory is inside `root` (Linux /proc). */
function processesUnder(root: string): string[] {
  const found: string[] = [];
  for (const pid of fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      const cwd = fs.readlinkSync(`/proc/${pid}/cwd`);
      if (cwd !== root && !cwd.startsWith(`${root}/`)) continue;
      found.push(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim());
    } catch {
      // Gone, or not ours to read.
    }
  }
  return found;
}
