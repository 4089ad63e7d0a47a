/**
 * The stream the user reads: the standard error of the Nx command they started. Nx runs a task behind its own
 * pseudo-terminal or pipes and, on SIGINT, silences everything it would still print (so a wrapper that has already
 * returned the shell prompt prints nothing after it); a line an executor must get out when it is interrupted goes
 * straight to that stream instead. Linux only (/proc); elsewhere the line goes to this process's stderr.
 */
import * as fs from 'node:fs';
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
}

/**
 * Opens the user's stream now (the Nx command may be gone by the time a signal has to be reported): the outer Nx's
 * stderr when it is not this process's own (which Nx forwards only while it prints), else this process's stderr.
 */
export function openUserStream(): UserStream {
  let fd: number | null = null;
  try {
    const outer = outermostNx(ancestors());
    if (outer !== null) {
      const theirs = fs.statSync(`/proc/${outer}/fd/2`);
      const ours = fs.fstatSync(2);
      if (theirs.dev !== ours.dev || theirs.ino !== ours.ino || theirs.rdev !== ours.rdev) fd = fs.openSync(`/proc/${outer}/fd/2`, 'a');
    }
  } catch {
    fd = null;
  }
  return {
    write(line) {
      try {
        // Synchronous: the process may be ended the moment after.
        fs.writeSync(fd ?? 2, `${line}\n`);
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
