/**
 * The only place this package starts processes (cargo, rustc, nvcc, git, docker, ...). Commands are argument
 * arrays, never shell strings, so a feature name such as `a;rm -rf ~` reaches cargo as one literal argument.
 * Output streams live to the terminal and is captured for judging. On SIGINT/SIGTERM the whole process tree of
 * the command is ended (cargo's rustc children included), so an interrupted gate leaves nothing running.
 */
import type { ResultPromise } from 'execa';
import { importEsm } from '../util/import-esm';

export interface CommandResult {
  /** The command line as a person would type it (for result files; never executed from this string). */
  commandLine: string;
  exitCode: number;
  stdout: string;
  stderr: string;
  durationMs: number;
  /** The program does not exist (ENOENT). */
  notFound: boolean;
  /** Ended by `timeoutMs`. */
  timedOut: boolean;
}

export interface RunOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  /**
   * Which streams print while the command runs: `all` (default), `stderr` (stdout carries JSON for us to read, as
   * with --message-format=json) or `none` (probes such as `rustc -vV`). Both are captured either way.
   */
  live?: 'all' | 'stderr' | 'none' | boolean;
  timeoutMs?: number;
}

/** Quotes an argument for display only. */
export function displayArg(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function commandLine(file: string, args: readonly string[]): string {
  return [file, ...args].map(displayArg).join(' ');
}

const running = new Set<ResultPromise>();
let handlersInstalled = false;

function installSignalHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      for (const child of running) killTree(child.pid, 'SIGTERM');
      setTimeout(() => {
        for (const child of running) killTree(child.pid, 'SIGKILL');
        process.exit(signal === 'SIGINT' ? 130 : 143);
      }, 3000).unref();
      if (running.size === 0) process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
}

/** Children run in their own process group (detached), so one signal to -pid reaches cargo and every rustc. */
function killTree(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(process.platform === 'win32' ? pid : -pid, signal);
  } catch {
    // Already gone.
  }
}

export async function runCommand(file: string, args: readonly string[], options: RunOptions): Promise<CommandResult> {
  const { execa } = await importEsm<typeof import('execa')>('execa');
  installSignalHandlers();
  const live = options.live === false ? 'none' : options.live === true || options.live === undefined ? 'all' : options.live;
  const started = Date.now();
  const child = execa(file, args, {
    cwd: options.cwd,
    env: options.env,
    extendEnv: true,
    reject: false,
    detached: process.platform !== 'win32',
    cleanup: true,
    stdin: 'ignore',
    // Live output goes to our stderr/stdout as-is; stdout of a JSON-reading call stays captured only.
    stdout: live === 'all' ? ['pipe', 'inherit'] : 'pipe',
    stderr: live === 'none' ? 'pipe' : ['pipe', 'inherit'],
    stripFinalNewline: false,
    timeout: options.timeoutMs,
    maxBuffer: 256 * 1024 * 1024,
  });
  running.add(child);
  try {
    const result = await child;
    const notFound = (result as { code?: string }).code === 'ENOENT' || /ENOENT/.test(String(result.message ?? ''));
    return {
      commandLine: commandLine(file, args),
      exitCode: typeof result.exitCode === 'number' ? result.exitCode : notFound ? 127 : 1,
      stdout: String(result.stdout ?? ''),
      stderr: String(result.stderr ?? ''),
      durationMs: Date.now() - started,
      notFound,
      timedOut: result.timedOut === true,
    };
  } finally {
    running.delete(child);
  }
}
