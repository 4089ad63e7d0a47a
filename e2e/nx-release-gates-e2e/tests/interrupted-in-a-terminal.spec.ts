/**
 * A maintainer presses Ctrl-C during a cold release-dry-run in a terminal (every process of the run gets SIGINT at
 * once, the outer Nx too): the run ends 130, one line says what was interrupted, release-dry-run.json says which
 * gates were cut off, no file under dist/release-gates claims a pass the interrupted run did not earn (not the
 * earlier run's either), and nothing of the workspace keeps running.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { crateFiles } from '../support/crates';
import { TestWorkspace } from '../support/workspace';
import { buildScriptRunning, processesIn, waitFor } from '../support/processes';

const GATES = ['gate-lockfile', 'gate-version', 'gate-build'];
const BUILD = (marker: string, seconds: number) => `fn main() {\n    // ${marker}\n    println!("cargo:rerun-if-changed=build.rs");\n    std::thread::sleep(std::time::Duration::from_secs(${seconds}));\n}\n`;

/**
 * `npx nx run beta:release-dry-run` typed in a terminal: a real pseudo-terminal (support/in-terminal.py) whose
 * foreground process group is the run, so `ctrl-c()` reaches every process of it at once, as the key does.
 */
function inTerminal(ws: TestWorkspace, log: string) {
  fs.rmSync(log, { force: true });
  const helper = path.join(__dirname, '..', 'support', 'in-terminal.py');
  const child = spawn('python3', [helper, log, 'npx', 'nx', 'run', 'beta:release-dry-run'], {
    cwd: ws.root,
    env: { ...ws.nxEnv(), CI: undefined, NX_TUI: undefined },
    stdio: ['pipe', 'inherit', 'inherit'],
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { exit, ctrlC: () => child.stdin.write('ctrl-c\n'), output: () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '') };
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

/** The gate rows release-dry-run.json gives, gate -> status. */
const reportRows = (ws: TestWorkspace) => Object.fromEntries(ws.result('beta', 'release-dry-run').rows.map((r: any) => [r.gate, r.status]));

describe('release-dry-run interrupted in a terminal', () => {
  let ws: TestWorkspace;
  let log: string;

  beforeAll(() => {
    ws = TestWorkspace.create('interrupted', {
      files: crateFiles({ name: 'beta', files: { 'build.rs': BUILD('0', 1) } }),
      // A maintainer who has answered Nx's analytics question: in a terminal Nx asks it before any task starts.
      nxJson: { analytics: false, targetDefaults: { 'release-dry-run': { options: { gates: GATES } } } },
    });
    log = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nrg-terminal-')), 'terminal.log');
  });
  afterAll(() => {
    ws?.remove();
    if (log) fs.rmSync(path.dirname(log), { recursive: true, force: true });
  });

  it('Ctrl-C while the crate builds, after a passing run: 130, one line, an interrupted report, no pass left behind, nothing running', async () => {
    ws.write('beta/build.rs', BUILD('pass', 1));
    const passing = inTerminal(ws, log);
    expect(await passing.exit).toBe(0);
    expect(passClaims(ws).length).toBeGreaterThan(0);

    ws.write('beta/build.rs', BUILD('cut', 120));
    const run = inTerminal(ws, log);
    await waitFor('beta build script', buildScriptRunning(ws.root));
    run.ctrlC();
    expect(await run.exit).toBe(130);
    await waitFor('the run to leave nothing running', () => processesIn(ws.root).length === 0, 15_000).catch(() => undefined);
    expect(processesIn(ws.root)).toEqual([]);

    // The terminal's SIGINT reaches release-dry-run directly, unless Nx, which gets it too, ends its tasks with
    // SIGTERM first (seen under load): the report names the signal that came first, either way an interruption.
    const signal = ws.result('beta', 'release-dry-run').interruptedBy;
    expect(['SIGINT', 'SIGTERM']).toContain(signal);
    expect(reportRows(ws)['gate-build']).toBe('interrupted');
    expect(passClaims(ws)).toEqual([]);
    expect(run.output().split('\n').filter((l) => l.includes(`beta:release-dry-run interrupted by ${signal}`))).toHaveLength(1);
  });
});
