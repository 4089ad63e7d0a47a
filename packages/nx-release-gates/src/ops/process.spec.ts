import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BACKGROUND_NICENESS, childEnvironment, runCommand, RunOptions } from './process';

describe('childEnvironment', () => {
  it("lays the given variables over this process's by default; undefined removes one", () => {
    process.env.NX_RELEASE_GATES_SPEC_VAR = 'here';
    try {
      expect(childEnvironment({ env: { A: '1' } })).toMatchObject({ A: '1', NX_RELEASE_GATES_SPEC_VAR: 'here' });
      expect(childEnvironment({ env: { NX_RELEASE_GATES_SPEC_VAR: undefined } }).NX_RELEASE_GATES_SPEC_VAR).toBeUndefined();
      expect(childEnvironment({})).toMatchObject({ NX_RELEASE_GATES_SPEC_VAR: 'here' });
    } finally {
      delete process.env.NX_RELEASE_GATES_SPEC_VAR;
    }
  });

  it('with replaceEnv, the given environment is the whole of it (nothing of this process is added)', () => {
    expect(childEnvironment({ env: { PATH: '/bin' }, replaceEnv: true })).toEqual({ PATH: '/bin' });
    // No environment given: the program still gets this process's, never an empty one.
    expect(childEnvironment({ replaceEnv: true }).PATH).toBe(process.env.PATH);
  });
});

describe('runCommand (real processes)', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nx-release-gates-process-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const sh = (script: string, options: Partial<RunOptions> = {}) => runCommand('sh', ['-c', script], { cwd: dir, live: 'none', ...options });

  it('returns the exit status and both streams whole, and takes arguments literally', async () => {
    const result = await runCommand('sh', ['-c', 'printf "%s|" "$@"; echo oops >&2; exit 3', 'sh', 'a;rm -rf ~', '$(x)'], { cwd: dir, live: 'none' });
    expect(result).toMatchObject({ exitCode: 3, stdout: 'a;rm -rf ~|$(x)|', stderr: 'oops\n', notFound: false, timedOut: false });
    expect(result.commandLine).toBe(`sh -c 'printf "%s|" "$@"; echo oops >&2; exit 3' sh 'a;rm -rf ~' '$(x)'`);
  });

  it('runs in the folder with the environment it is given', async () => {
    const result = await sh('pwd; echo "$ONLY"; echo "${HOME:-no home}"', { env: { ONLY: 'set', PATH: process.env.PATH }, replaceEnv: true });
    expect(result.stdout.split('\n').slice(0, 3)).toEqual([fs.realpathSync(dir), 'set', 'no home']);
  });

  it('says a program that does not exist is not found (127), without throwing', async () => {
    const result = await runCommand('nx-release-gates-no-such-program', [], { cwd: dir, live: 'none' });
    expect(result).toMatchObject({ exitCode: 127, notFound: true });
  });

  it('ends the whole tree at the timeout and says so', async () => {
    const marker = path.join(dir, 'grandchild-survived');
    const started = Date.now();
    // The grandchild would write the marker after 2 s: ending the tree at 0.3 s stops it.
    const result = await sh(`sh -c 'sleep 2; touch ${marker}' & wait`, { timeoutMs: 300 });
    expect(result.timedOut).toBe(true);
    expect(result.exitCode).not.toBe(0);
    expect(Date.now() - started).toBeLessThan(2000);
    await new Promise((resolve) => setTimeout(resolve, 2200));
    expect(fs.existsSync(marker)).toBe(false);
  });

  it('says which signal ended the program', async () => {
    const result = await sh('kill -TERM $$');
    expect(result.signal).toBe('SIGTERM');
    expect(result.exitCode).not.toBe(0);
  });

  it('hands each whole line to onLine as it comes, split chunks joined', async () => {
    const lines: string[] = [];
    await sh('printf "one\\ntw"; sleep 0.1; printf "o\\nthree"; echo err >&2', { onLine: (stream, line) => lines.push(`${stream}:${line}`) });
    expect(lines.sort()).toEqual(['stderr:err', 'stdout:one', 'stdout:three', 'stdout:two']);
  });

  it('runs a background command, and what it starts, at a lower priority; others at this process\'s', async () => {
    const own = os.getPriority();
    // The priority is set once the program runs: a child it starts at once may keep normal priority (cargo first
    // resolves its build for tens of milliseconds), so the child here starts a moment later.
    const background = await sh('sleep 0.3; sh -c nice', { priority: 'background' });
    expect(Number(background.stdout.trim())).toBe(Math.max(BACKGROUND_NICENESS, own));
    const normal = await sh('nice');
    expect(Number(normal.stdout.trim())).toBe(own);
  });

  it('with a capture, writes the whole output to the log and keeps a bounded part', async () => {
    const log = path.join(dir, 'capture.log');
    const result = await sh('for i in $(seq 1 2000); do echo "line $i"; done', { capture: { logFile: log, bound: { headLines: 10, tailLines: 10, maxLineChars: 100 } } });
    expect(fs.readFileSync(log, 'utf8').split('\n').filter(Boolean)).toHaveLength(2000);
    expect(result.stdout.length).toBeLessThan(5000);
    expect(result.stdout).toContain('line 2000');
  });
});

describe('whenInterrupted', () => {
  it('runs what must survive synchronously on the first signal, once, and never after it is unregistered', () => {
    jest.useFakeTimers(); // the backstop exit of the handler must not fire in the test process
    const before = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM'), exit: process.listeners('exit') };
    try {
      jest.isolateModules(() => {
        const fresh = require('./process') as typeof import('./process');
        const seen: string[] = [];
        const dropped: string[] = [];
        fresh.whenInterrupted(() => {
          throw new Error('a failing recorder stops no other');
        });
        fresh.whenInterrupted((signal) => seen.push(signal));
        fresh.whenInterrupted((signal) => dropped.push(signal))();
        process.emit('SIGTERM', 'SIGTERM');
        process.emit('SIGINT', 'SIGINT');
        expect(seen).toEqual(['SIGTERM']);
        expect(dropped).toEqual([]);
        expect(fresh.interruption()).toBe('SIGTERM');
      });
    } finally {
      for (const event of ['SIGINT', 'SIGTERM', 'exit'] as const) {
        const added = (process.listeners as (e: string) => Array<(...args: unknown[]) => void>)(event).filter((l) => !(before[event] as unknown[]).includes(l));
        for (const listener of added) process.removeListener(event, listener);
      }
      jest.clearAllTimers();
      jest.useRealTimers();
    }
  });
});
