/**
 * A maintainer watches a CI log (CI=true, no terminal, the log a pipe): each gate says when it really starts, that it
 * is still running while cargo is silent, and how it ended, naming crate and gate, as it happens, although Nx prints
 * a task's output only when the task ends; a replay from the cache repeats none of those lines; and
 * `nx run-many -t release-dry-run` over two crates prints the combined table although Nx hides the output of
 * successful tasks, also when both replayed whole (daemon off; with it on they run).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { crateFiles } from '../support/crates';
import { TestWorkspace } from '../support/workspace';

/** A build script that sleeps long enough for the heartbeat (every 10 s of cargo's silence) to speak twice. */
const SLOW_BUILD = `fn main() {\n    println!("cargo:rerun-if-changed=build.rs");\n    std::thread::sleep(std::time::Duration::from_secs(25));\n}\n`;

interface TimedLine {
  /** Milliseconds since nx started. */
  at: number;
  text: string;
}

/**
 * Runs the workspace's nx with stdout and stderr on one real pipe, as a CI runner gives a job (Node's own child pipes
 * are sockets, which no process can open again), and reads each line as it arrives. The command goes to `sh` through
 * variables, so no wrapper above nx looks like an Nx process.
 */
function nxBehindPipe(ws: TestWorkspace, args: string[], env: Record<string, string> = {}): Promise<{ exitCode: number; lines: TimedLine[] }> {
  const started = Date.now();
  const child = spawn('sh', ['-c', '{ "$NRG_NODE" "$NRG_NX" "$@" 2>&1; echo "nrg-exit $?"; } | cat', 'sh', ...args], {
    cwd: ws.root,
    env: { ...ws.nxEnv(env), NRG_NODE: process.execPath, NRG_NX: ws.nxScript() },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: TimedLine[] = [];
  let partial = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    for (const text of parts) lines.push({ at: Date.now() - started, text });
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', () => {
      if (partial) lines.push({ at: Date.now() - started, text: partial });
      const exit = lines.find((l) => l.text.startsWith('nrg-exit '));
      resolve({ exitCode: exit ? Number(exit.text.slice('nrg-exit '.length)) : -1, lines: lines.filter((l) => l !== exit) });
    });
  });
}

const first = (lines: TimedLine[], test: (text: string) => boolean) => lines.find((l) => test(l.text));

describe('live progress in a CI log', () => {
  let ws: TestWorkspace;

  beforeAll(() => {
    ws = TestWorkspace.create('live', {
      files: {
        ...crateFiles({ name: 'slow', files: { 'build.rs': SLOW_BUILD } }),
        ...crateFiles({ name: 'alpha' }),
        ...crateFiles({ name: 'beta' }),
      },
      nxJson: { targetDefaults: { 'release-dry-run': { options: { gates: ['gate-lockfile', 'gate-build'] } } } },
    });
  });
  afterAll(() => ws?.remove());

  it('a gate under release-dry-run says it started, that it is still running while cargo is silent, and how it ended, as it happens', async () => {
    const run = await nxBehindPipe(ws, ['run', 'slow:release-dry-run']);
    expect(run.exitCode).toBe(0);
    const start = first(run.lines, (t) => t === '▶ slow:gate-build started');
    const beat = first(run.lines, (t) => t.startsWith('slow:gate-build: cargo build still running ('));
    const end = first(run.lines, (t) => /^✔ slow:gate-build passed in \d/.test(t));
    // What Nx holds until the nested run (and the dry run) ends: cargo's own last line.
    const finished = first(run.lines, (t) => /Finished `release` profile/.test(t));
    expect([start, beat, end, finished].every(Boolean)).toBe(true);
    // The heartbeat came while the build script slept, not with the gate's output at its end.
    expect(start!.at).toBeLessThan(beat!.at);
    expect(end!.at - beat!.at).toBeGreaterThan(5_000);
    expect(finished!.at - beat!.at).toBeGreaterThan(5_000);
    expect(run.lines.filter((l) => l.text === '▶ slow:gate-build started')).toHaveLength(1);
    expect(run.lines.filter((l) => /^✔ slow:gate-build passed in/.test(l.text))).toHaveLength(1);
  });

  it('a replay from the cache prints no start, heartbeat or end line', async () => {
    const run = await nxBehindPipe(ws, ['run', 'slow:release-dry-run']);
    expect(run.exitCode).toBe(0);
    expect(ws.result('slow', 'release-dry-run').rows.find((r: any) => r.gate === 'gate-build').source).toMatch(/cache/);
    expect(run.lines.filter((l) => /^▶ |still running|^✔ \S+ passed in /.test(l.text))).toEqual([]);
  });

  // The third pass replays both dry runs whole (cached by the first; with the daemon on they run): the post-run hook
  // prints the table then.
  for (const [daemon, replayedWhole] of [['false', false], ['true', false], ['false', true]] as const) {
    it(`run-many over two crates prints the combined table once, although Nx shows no successful task's output (daemon ${daemon === 'true' ? 'on' : 'off'}${replayedWhole ? ', both replayed whole' : ''})`, async () => {
      const run = await nxBehindPipe(ws, ['run-many', '-t', 'release-dry-run', '--projects=alpha,beta'], { NX_DAEMON: daemon });
      if (daemon === 'true') ws.nx(['daemon', '--stop']);
      expect(run.exitCode).toBe(0);
      const texts = run.lines.map((l) => l.text);
      expect(texts.filter((t) => t === 'Release dry run of 2 crates (alpha, beta)')).toHaveLength(1);
      const from = texts.indexOf('Release dry run of 2 crates (alpha, beta)');
      const blank = texts.indexOf('', from);
      const table = texts.slice(from, blank < 0 ? texts.length : blank);
      const rows = table.filter((t) => /^(alpha|beta)\s+gate-/.test(t)).map((t) => t.split(/\s+/).slice(0, 3).join(' '));
      const expected = ['alpha', 'beta'].flatMap((crate) => ws.result(crate, 'release-dry-run').rows.map((r: any) => `${crate} ${r.gate} ${r.status.toUpperCase()}`));
      expect(rows.sort()).toEqual(expected.sort());
      expect(rows.sort()).toEqual(['alpha gate-build PASSED', 'alpha gate-lockfile PASSED', 'beta gate-build PASSED', 'beta gate-lockfile PASSED']);
      expect(['alpha', 'beta'].map((crate) => ws.result(crate, 'release-dry-run').replayedFrom ?? 'ran')).toEqual(replayedWhole ? ['local cache', 'local cache'] : ['ran', 'ran']);
    });
  }

  it('run-many where one crate changed and the other replays whole prints the combined table once and leaves no collection behind', async () => {
    // A new file in alpha's folder, untracked: alpha's gate keys change, beta's do not, and git's tracked files stay
    // unchanged (an edit of a tracked file would change every crate's dry-run key: the report records the tree state).
    ws.write('alpha/NOTES.txt', 'a new file\n');
    const run = await nxBehindPipe(ws, ['run-many', '-t', 'release-dry-run', '--projects=alpha,beta']);
    expect(run.exitCode).toBe(0);
    expect(run.lines.filter((l) => l.text === 'Release dry run of 2 crates (alpha, beta)')).toHaveLength(1);
    expect(['alpha', 'beta'].map((crate) => ws.result(crate, 'release-dry-run').replayedFrom ?? 'ran')).toEqual(['ran', 'local cache']);
    // alpha's dry run collected its rows for a table only the post-run hook could complete; the hook removed them.
    const records = ws.exists('dist/release-gates/.runs') ? fs.readdirSync(ws.path('dist/release-gates/.runs')) : [];
    expect(records.filter((f) => f.startsWith('combined-'))).toEqual([]);
  });
});
