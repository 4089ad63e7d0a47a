/**
 * A maintainer presses Ctrl-C during a cold release-dry-run in a terminal (every process of the run gets SIGINT at
 * once, the outer Nx too), or a runner sends SIGTERM to the outer nx: one line says what was interrupted, no file
 * under dist/release-gates claims a pass the interrupted run did not earn (not the earlier run's either), and nothing
 * of the workspace keeps running.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { crateFiles } from '../support/crates';
import { TestWorkspace } from '../support/workspace';
import { buildScriptRunning, processesIn, sleep, waitFor } from '../support/processes';

const GATES = ['gate-lockfile', 'gate-version', 'gate-build'];
const BUILD = (marker: string, seconds: number) => `fn main() {\n    // ${marker}\n    println!("cargo:rerun-if-changed=build.rs");\n    std::thread::sleep(std::time::Duration::from_secs(${seconds}));\n}\n`;

/** `npx nx run beta:release-dry-run` under a pseudo-terminal (util-linux script), as typed in a terminal. */
function inTerminal(ws: TestWorkspace) {
  const child = spawn('script', ['-qfec', 'npx nx run beta:release-dry-run', '/dev/null'], {
    cwd: ws.root,
    // Nx's TUI waits for answers from a real terminal that script's pipe never gives; the stream output is what a
    // terminal without the TUI shows.
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', CI: undefined, GITHUB_ACTIONS: undefined },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { exit, output: () => output };
}

/** The outer nx process of the run (npx's nx), and its process group (the terminal's foreground group). */
function outerNx(ws: TestWorkspace): { pid: number; pgid: number } {
  for (const pid of fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (cmd.some((a) => a.startsWith(ws.root) && /node_modules\/(\.bin\/nx|nx\/bin\/nx\.js)$/.test(a)) && cmd.includes('beta:release-dry-run')) {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
        return { pid: Number(pid), pgid: Number(stat[2]) };
      }
    } catch {
      // gone
    }
  }
  throw new Error('the outer nx process of the run was not found');
}

/** Every JSON file under dist/release-gates that claims gate-build of beta passed. */
function passClaims(ws: TestWorkspace): string[] {
  const folder = ws.path('dist/release-gates');
  if (!fs.existsSync(folder)) return [];
  const claims: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith('.json')) {
        const data = JSON.parse(fs.readFileSync(file, 'utf8'));
        const rows: any[] = [...(data.rows ?? []), ...(data.gates ?? [])];
        if (entry.name === 'gate-build.json' && data.status === 'passed') claims.push(file);
        if (rows.some((r) => (r.gate ?? r.target) === 'gate-build' && r.status === 'passed' && (r.project ?? 'beta') === 'beta')) claims.push(file);
      }
    }
  };
  walk(folder);
  if (fs.existsSync(path.join(folder, 'summary.md')) && /beta\s*\|\s*gate-build\s*\|\s*PASSED/i.test(fs.readFileSync(path.join(folder, 'summary.md'), 'utf8'))) claims.push('summary.md');
  return claims;
}

// Skipped: started from jest under `script` (stdin a pipe), the outer nx waits in epoll before any task starts, even
// with the TUI off; not yet understood, so this journey is not yet checked end to end.
describe.skip('release-dry-run interrupted in a terminal', () => {
  let ws: TestWorkspace;

  beforeAll(() => {
    ws = TestWorkspace.create('interrupted', {
      files: crateFiles({ name: 'beta', files: { 'build.rs': BUILD('0', 1) } }),
      nxJson: { targetDefaults: { 'release-dry-run': { options: { gates: GATES } } } },
    });
  });
  afterAll(() => ws?.remove());

  for (const [signal, target] of [['SIGINT', 'the process group'], ['SIGTERM', 'the outer nx']] as const) {
    it(`${signal} to ${target} after a passing run: one line, no pass left behind, nothing running`, async () => {
      ws.write('beta/build.rs', BUILD(`pass-${signal}`, 1));
      const passing = inTerminal(ws);
      expect(await passing.exit).toBe(0);
      expect(passClaims(ws).length).toBeGreaterThan(0);

      ws.write('beta/build.rs', BUILD(`cut-${signal}`, 60));
      const run = inTerminal(ws);
      await waitFor('beta build script', buildScriptRunning(ws.root));
      const nx = outerNx(ws);
      process.kill(signal === 'SIGINT' ? -nx.pgid : nx.pid, signal);
      expect(await run.exit).not.toBe(0);

      expect(passClaims(ws)).toEqual([]);
      const report = ws.path('dist/release-gates/beta/release-dry-run.json');
      if (fs.existsSync(report)) expect(JSON.parse(fs.readFileSync(report, 'utf8')).interruptedBy).toBe(signal);
      expect(run.output().split('\n').filter((l) => l.includes(`beta:release-dry-run interrupted by ${signal}`))).toHaveLength(1);
      await sleep(10_000);
      expect(processesIn(ws.root)).toEqual([]);
    });
  }
});
