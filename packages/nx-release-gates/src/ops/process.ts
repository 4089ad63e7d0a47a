/**
 * The only place this package starts processes (cargo, rustc, nvcc, git, docker, ...). Commands are argument
 * arrays, never shell strings, so a feature name such as `a;rm -rf ~` reaches cargo as one literal argument.
 * Output streams live to the terminal and is captured for judging. On SIGINT/SIGTERM the whole process tree of
 * the command is ended (cargo's rustc children included), so an interrupted gate leaves nothing running.
 *
 * Two ways in: `runCommand` (live output, captures, timeouts, signal handling) for gates and executors, and
 * `runQuiet` (node's execFile) for the runtime cache inputs, which Nx starts before every task hash. Both use node's
 * own child_process: execa, which runCommand used before, took 0.12-0.17 s to load (an ES module graph, and node's ES
 * module loader started in a CommonJS process) in every gate's process, about 2 s of CPU in a cold dry run of 14
 * gates. Neither throws on a non-zero exit: the result says what happened.
 */
import { ChildProcess, execFile, spawn } from 'node:child_process';
import * as os from 'node:os';
import { signalTree } from './process-tree';
import { BoundedCapture, CaptureOptions } from './bounded-capture';
import { WholeLines } from '../util/whole-lines';
export type { CaptureOptions } from './bounded-capture';

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
  /** The signal that ended the program, when one did (e.g. SIGTERM from a runner stopping the job). */
  signal?: NodeJS.Signals;
}

export interface RunOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  /**
   * `env` is the whole environment (a gate's, cache-key/gate-environment.ts), not laid over this process's: a variable
   * left out of it never reaches the program.
   */
  replaceEnv?: boolean;
  /**
   * Which streams print while the command runs: `all` (default), `stderr` (stdout carries JSON for us to read, as
   * with --message-format=json) or `none` (probes such as `rustc -vV`). Both are captured either way.
   */
  live?: 'all' | 'stderr' | 'none' | boolean;
  timeoutMs?: number;
  /**
   * For commands whose output can be huge (a test run): the whole output goes to a log file as it arrives, and only a
   * bounded part of it is held in memory and returned as stdout/stderr (ops/bounded-capture.ts).
   */
  capture?: CaptureOptions;
  /** Each whole line of either stream as it comes (without its line ending), shown live or not: progress watchers. */
  onLine?: (stream: 'stdout' | 'stderr', line: string) => void;
  /**
   * `background`: the command gives way to others for the cores (a lower scheduling priority, which everything it
   * starts inherits). Only for a build nothing is timed in: a test run starved of CPU could time out.
   */
  priority?: 'background';
}

/** Quotes an argument for display only. */
export function displayArg(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function commandLine(file: string, args: readonly string[]): string {
  return [file, ...args].map(displayArg).join(' ');
}

/** How much output a command without a capture may hold in memory; beyond it the command is ended. */
export const MAX_BUFFERED_OUTPUT = 256 * 1024 * 1024;
/**
 * The niceness of a `background` command: under contention it gets about a tenth of a core's share against a
 * command of normal priority, and all of an idle core.
 */
export const BACKGROUND_NICENESS = 10;
/** After a timeout's SIGTERM, how long a command's tree has to end before SIGKILL. */
const KILL_GRACE_MS = 5000;

const running = new Set<ChildProcess>();
let handlersInstalled = false;
let interruptedBy: NodeJS.Signals | null = null;
const onInterrupt = new Set<(signal: NodeJS.Signals) => void>();

/**
 * Runs `record` synchronously the moment SIGINT/SIGTERM arrives, before any child is signalled: a terminal's Ctrl-C
 * reaches the outer Nx too, which may end this process at once, so what must survive is written first. Returns the
 * function that unregisters it.
 */
export function whenInterrupted(record: (signal: NodeJS.Signals) => void): () => void {
  installSignalHandlers();
  onInterrupt.add(record);
  return () => onInterrupt.delete(record);
}

/** The signal that interrupted this process (SIGINT, SIGTERM), or null: an interrupted gate says so, not a cargo line. */
export function interruption(): NodeJS.Signals | null {
  return interruptedBy;
}

/** Exit status of a process ended by `signal`, as a shell reports it (SIGINT 130, SIGTERM 143). */
export function signalExitCode(signal: NodeJS.Signals): number {
  return signal === 'SIGINT' ? 130 : 143;
}

/**
 * On SIGINT/SIGTERM: remember it, and end every running command's tree (TERM, then KILL after 3 s). The caller
 * (the executor) writes its `interrupted` result when its command returns and exits with signalExitCode; a
 * backstop exits after 10 s if it cannot.
 */
function installSignalHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (interruptedBy) return;
      interruptedBy = signal;
      for (const record of onInterrupt) {
        try {
          record(signal);
        } catch {
          // The refined report still follows when the command returns.
        }
      }
      for (const child of running) signalTree(child.pid, 'SIGTERM');
      setTimeout(() => {
        for (const child of running) signalTree(child.pid, 'SIGKILL');
      }, 3000).unref();
      setTimeout(() => process.exit(signalExitCode(signal)), 10_000).unref();
    });
  }
  // However this process ends (a backstop's exit, an uncaught error), its commands' trees do not outlive it.
  process.on('exit', () => {
    for (const child of running) signalTree(child.pid, 'SIGTERM');
  });
}

/** A command's environment: the given variables laid over this process's (undefined removes one), or with replaceEnv the whole of it. */
export function childEnvironment(options: Pick<RunOptions, 'env' | 'replaceEnv'>): Record<string, string | undefined> {
  // node's spawn leaves out a variable whose value is undefined.
  return options.replaceEnv && options.env ? { ...options.env } : { ...process.env, ...options.env };
}

/** One stream's output held whole in memory, up to MAX_BUFFERED_OUTPUT; `overflowed` once a chunk did not fit. */
class HeldOutput {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  overflowed = false;
  /** Holds the chunk; false for the first chunk that does not fit (later ones are dropped quietly). */
  push(chunk: Buffer): boolean {
    if (this.overflowed) return true;
    if (this.size + chunk.length > MAX_BUFFERED_OUTPUT) {
      this.overflowed = true;
      return false;
    }
    this.chunks.push(chunk);
    this.size += chunk.length;
    return true;
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

interface Ending {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Why the program could not start (ENOENT: it does not exist). */
  startError?: NodeJS.ErrnoException;
}

function setLowerPriority(pid: number): void {
  try {
    os.setPriority(pid, BACKGROUND_NICENESS);
  } catch {
    // A system that refuses it runs the command at normal priority: only the order of work changes, not the result.
  }
}

/** Resolves once the child has ended and both of its streams have closed (so every chunk was seen). */
function ended(child: ChildProcess): Promise<Ending> {
  return new Promise((resolve) => {
    let startError: NodeJS.ErrnoException | undefined;
    child.on('error', (error: NodeJS.ErrnoException) => {
      startError ??= error;
    });
    child.on('close', (code, signal) => resolve({ code, signal, startError }));
  });
}

export async function runCommand(file: string, args: readonly string[], options: RunOptions): Promise<CommandResult> {
  installSignalHandlers();
  if (interruptedBy) {
    // Interrupted between two commands: start no more.
    return { commandLine: commandLine(file, args), exitCode: signalExitCode(interruptedBy), stdout: '', stderr: '', durationMs: 0, notFound: false, timedOut: false };
  }
  const live = options.live === false ? 'none' : options.live === true || options.live === undefined ? 'all' : options.live;
  const started = Date.now();
  const capture = options.capture ? new BoundedCapture(options.capture) : null;
  const child = spawn(file, [...args], {
    cwd: options.cwd,
    env: childEnvironment(options) as NodeJS.ProcessEnv,
    // Not detached: the children stay in our process group, so a SIGKILL of the group (a CI runner cancelling a job)
    // ends cargo, rustc and build scripts too, instead of leaving them holding cargo's lock.
    detached: false,
    // Both streams come to us and are shown live a whole line at a time (util/whole-lines.ts).
    stdio: ['ignore', 'pipe', 'pipe'],
    windowsHide: true,
  });
  const ending = ended(child);
  // Set as soon as the program runs (spawn returns once it has): cargo resolves its build for tens of milliseconds
  // before it starts its first rustc, which inherits the priority, as every child after it does.
  if (options.priority === 'background' && child.pid) setLowerPriority(child.pid);
  // With a capture, nothing is held here: the capture reads the streams as they come.
  const held = capture ? null : { stdout: new HeldOutput(), stderr: new HeldOutput() };
  const shown = { stdout: live === 'all', stderr: live !== 'none' };
  const forwarders: WholeLines[] = [];
  for (const stream of ['stdout', 'stderr'] as const) {
    const out = stream === 'stdout' ? process.stdout : process.stderr;
    const lines = shown[stream] || options.onLine
      ? new WholeLines((line) => {
          if (shown[stream]) out.write(`${line}\n`);
          options.onLine?.(stream, line);
        })
      : null;
    if (lines) forwarders.push(lines);
    child[stream]?.on('data', (chunk: Buffer) => {
      capture?.write(stream, chunk);
      // The chunk that first does not fit ends the command: its output would be judged cut short.
      if (held && !held[stream].push(chunk)) signalTree(child.pid, 'SIGTERM');
      lines?.push(chunk);
    });
  }
  let timedOut = false;
  let killTimer: NodeJS.Timeout | undefined;
  const timeoutTimer =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          signalTree(child.pid, 'SIGTERM');
          killTimer = setTimeout(() => signalTree(child.pid, 'SIGKILL'), KILL_GRACE_MS);
        }, options.timeoutMs);
  running.add(child);
  try {
    const { code, signal, startError } = await ending;
    for (const lines of forwarders) lines.end();
    const kept = capture?.finish();
    const notFound = startError?.code === 'ENOENT';
    const tooMuch = held && (held.stdout.overflowed || held.stderr.overflowed) ? `\nthe command's output passed ${MAX_BUFFERED_OUTPUT / 1024 / 1024} MB and the command was ended\n` : '';
    const startProblem = startError && !notFound ? `${startError.message}\n` : '';
    return {
      commandLine: commandLine(file, args),
      exitCode: typeof code === 'number' && !startError ? code : notFound ? 127 : 1,
      stdout: kept ? kept.stdout : held!.stdout.text(),
      stderr: (kept ? kept.stderr : held!.stderr.text()) + startProblem + tooMuch,
      durationMs: Date.now() - started,
      notFound,
      timedOut,
      ...(signal ? { signal } : {}),
    };
  } finally {
    clearTimeout(timeoutTimer);
    clearTimeout(killTimer);
    running.delete(child);
  }
}

/** How a gate runs a command (its context's `cargo` and `run`): recorded in the result unless it is a probe. */
export interface RunCommandOptions {
  env?: Record<string, string | undefined>;
  live?: 'all' | 'stderr' | 'none';
  timeoutMs?: number;
  /** A question the plugin asks for itself (git check-ignore): not listed in the result's commands. */
  probe?: boolean;
  /** Output written whole to a log file, with a bounded part kept (RunOptions.capture). */
  capture?: CaptureOptions;
  /** Each whole line of the output as it comes (RunOptions.onLine). */
  onLine?: RunOptions['onLine'];
  /** RunOptions.priority. */
  priority?: RunOptions['priority'];
}

/** Anything that runs commands the way a gate does (a gate's context): what ops/ helpers take to ask a program. */
export interface CommandRunner {
  run(file: string, args: string[], options?: RunCommandOptions): Promise<CommandResult>;
}

/** Runs every command in `cwd` through runCommand, quietly unless told: how an executor asks git and friends. */
export function runnerIn(cwd: string): CommandRunner {
  return { run: (file, args, options = {}) => runCommand(file, args, { cwd, env: options.env, live: options.live ?? 'none', timeoutMs: options.timeoutMs }) };
}

export interface QuietOptions {
  cwd: string;
  /** The program's whole environment (not merged with ours), so what a cache input probes is exactly what it hashes. */
  env?: Readonly<Record<string, string | undefined>>;
  timeoutMs?: number;
}

/**
 * A short command with captured output and nothing printed, and without the signal handling (a probe ends on its own
 * or by its timeout): what a runtime cache input, which runs before every task hash, asks.
 */
export function runQuiet(file: string, args: readonly string[], options: QuietOptions): Promise<CommandResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(
      file,
      [...args],
      { cwd: options.cwd, env: options.env as NodeJS.ProcessEnv | undefined, encoding: 'utf8', timeout: options.timeoutMs, maxBuffer: 64 * 1024 * 1024, windowsHide: true },
      (error, stdout, stderr) => {
        const failure = error as (NodeJS.ErrnoException & { code?: string | number; killed?: boolean; signal?: NodeJS.Signals | null }) | null;
        const notFound = failure?.code === 'ENOENT';
        const timedOut = failure?.killed === true && options.timeoutMs !== undefined;
        resolve({
          commandLine: commandLine(file, args),
          exitCode: !failure ? 0 : typeof failure.code === 'number' ? failure.code : notFound ? 127 : 1,
          stdout: String(stdout ?? ''),
          stderr: String(stderr ?? ''),
          durationMs: Date.now() - started,
          notFound,
          timedOut,
          ...(failure?.signal ? { signal: failure.signal } : {}),
        });
      },
    );
  });
}

/** runQuiet as a CommandRunner bound to `cwd` (and an environment): for the ops/ helpers a cache input calls. */
export function quietRunnerIn(cwd: string, env?: Readonly<Record<string, string | undefined>>): CommandRunner {
  return { run: (file, args, options = {}) => runQuiet(file, args, { cwd, env: options.env ? { ...(env ?? process.env), ...options.env } : env, timeoutMs: options.timeoutMs }) };
}
