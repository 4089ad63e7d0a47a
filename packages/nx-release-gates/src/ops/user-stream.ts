/**
 * The stream the user reads: the standard error (or output) of the Nx command they started. Nx runs a task behind
 * its own pseudo-terminal or pipes: without a terminal it prints a task's output only when the task ends (or not at
 * all for a successful one), it keeps that output in its cache and replays it, and on SIGINT it silences everything
 * it would still print. A line that must reach the person now, and only once (an interruption, whom a lock waits
 * for, a gate starting), goes straight to that stream instead. Linux only (/proc); elsewhere the line goes to this
 * process's own stream.
 */
import * as fs from 'node:fs';
import * as tty from 'node:tty';
import { parentOf } from './process-tree';

/** A process of the Nx CLI (the command, its task fork and its executors), by its command line. */
export function isNxProcess(args: readonly string[]): boolean {
  return args.some((a) => /node_modules[\\/](nx[\\/](dist[\\/])?(bin[\\/](nx|run-executor)\.js|src[\\/]tasks-runner[\\/]fork\.js)|\.bin[\\/]nx(\s|$))/.test(a));
}

/** Of this process's ancestors (nearest first), the outermost one of the unbroken run of Nx processes above it. */
export function outermostNx(ancestors: ReadonlyArray<{ pid: number; args: readonly string[] }>): number | null {
  let outer: number | null = null;
  for (const ancestor of ancestors) {
    if (!isNxProcess(ancestor.args)) break;
    outer = ancestor.pid;
  }
  return outer;
}

function ancestors(): Array<{ pid: number; args: string[] }> {
  const found: Array<{ pid: number; args: string[] }> = [];
  for (let pid: number | null = process.ppid; pid && pid > 1 && found.length < 32; pid = parentOf(pid)) {
    try {
      found.push({ pid, args: fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0') });
    } catch {
      break;
    }
  }
  return found;
}

/** Where interruption lines go: write(line) never throws; close() when done. */
export interface UserStream {
  write(line: string): void;
  close(): void;
  /**
   * A line reaches the user's stream now, in order with what Nx prints there, and never through Nx's capture of the
   * task's output (which Nx may hold until the task ends, hide, or keep and replay from its cache): the outer Nx's
   * stream is this process's own, or a pipe. False for a file opened again (its writes would land where Nx then
   * writes over them), a socket (it cannot be opened again) and when no Nx command runs above this process.
   */
  readonly direct: boolean;
  /** The stream is a terminal, where Nx shows a task's output as it comes (or draws its own screen). */
  readonly terminal: boolean;
}

/**
 * Opens the user's stream now (the Nx command may be gone by the time a signal has to be reported): the outer Nx's
 * stderr (or stdout) when it is not this process's own (which Nx forwards only while it prints), else this
 * process's own.
 */
export function openUserStream(which: 'stdout' | 'stderr' = 'stderr'): UserStream {
  const own = which === 'stdout' ? 1 : 2;
  let fd: number | null = null;
  let direct = false;
  try {
    const outer = outermostNx(ancestors());
    if (outer !== null) {
      const theirs = fs.statSync(`/proc/${outer}/fd/${own}`);
      const ours = fs.fstatSync(own);
      const same = theirs.dev === ours.dev && theirs.ino === ours.ino && theirs.rdev === ours.rdev;
      if (!same) fd = fs.openSync(`/proc/${outer}/fd/${own}`, 'a');
      direct = same || theirs.isFIFO();
    }
  } catch {
    fd = null;
    direct = false;
  }
  const terminal = tty.isatty(fd ?? own);
  return {
    direct,
    terminal,
    write(line) {
      try {
        // Synchronous: the process may be ended the moment after.
        fs.writeSync(fd ?? own, `${line}\n`);
      } catch {
        // Nowhere left to say it; the report file says it.
      }
    },
    close() {
      if (fd !== null) fs.closeSync(fd);
      fd = null;
    },
  };
}
