/**
 * Everything the gate adapter (run-gate.ts) does to the world outside the gate's own code: the clock, the process's
 * environment and signals, locks, programs, the crate and toolchain probes, and the result files. One object, so unit
 * tests drive the adapter with fakes and the executor uses processEffects.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readCrateAt } from '../../ops/read-crates';
import type { CrateModel } from '../../model/crate-model';
import { interruption, runCommand } from '../../ops/process';
import { traceAvailability } from '../../ops/trace';
import { detectToolchain, Toolchain } from '../../ops/toolchain';
import { gateTarget } from '../../model/catalog';
import type { GateDefinition, GateLog } from '../../gates/types';
import { GateResult, readGateResult, resultFile, resultFolder, writeGateResult } from '../../report/result';
import { signatureFile, signGateOutputs, signingKeyFrom } from '../../report/result-signature';
import { printGateLine } from '../../report/console';
import { HeldLock, LockOwner, waitForLock } from '../../ops/lock';
import { openUserStream, UserStream } from '../../ops/user-stream';
import type { HeartbeatClock } from './heartbeat';

/** What the adapter does to the world outside the gate's own code. */
export interface GateEffects {
  now(): Date;
  env: NodeJS.ProcessEnv;
  hostname(): string;
  /** The signal this process received (SIGINT, SIGTERM), or null. */
  interruption(): NodeJS.Signals | null;
  /** Ends the process (after an interrupted gate wrote its result, with the signal's exit status). */
  exit(code: number): void;
  waitForLock(key: string, what: string, onWait: (owner: LockOwner) => void): Promise<HeldLock>;
  runCommand: typeof runCommand;
  /** Whether a traced gate's cargo calls can run under strace here (unset: they run untraced, as in unit tests). */
  traceAvailability?: typeof traceAvailability;
  readCrate(root: string, workspaceRoot: string): Promise<CrateModel | null>;
  detectToolchain(cwd: string): Promise<Toolchain>;
  /** Removes the gate's previous result and outputs; a message when they cannot go. */
  clearOutputs(gate: GateDefinition, workspaceRoot: string, project: string, triple: string | undefined): string | null;
  /** Writes the result file and returns its path. */
  writeResult(workspaceRoot: string, result: GateResult): string;
  readResult: typeof readGateResult;
  /**
   * Signs the written result and outputs when this run holds the signing key (a trusted writer); returns the
   * signature file, or null when it signs nothing. Throws one line when the key is unusable.
   */
  signOutputs?(workspaceRoot: string, result: GateResult, env: NodeJS.ProcessEnv): string | null;
  printGateLine(result: GateResult, file: string): void;
  /** A line (or, on request, a stack) for the person, on stderr. */
  error(message: unknown): void;
  /** Where the gate's own words go. */
  log: GateLog;
  /**
   * A line for the person now that Nx must not keep with the task's output (whom a lock waits for): a replay from
   * the cache would repeat it, naming a process long gone.
   */
  notice(line: string): void;
  /**
   * Writes a line to the person's stream as it happens, outside the task's output, where Nx would hold it until the
   * task ends and replay it from the cache; null where that stream is a terminal (Nx shows the output as it comes
   * there) or cannot take the line directly (no /proc, a file or socket: ops/user-stream.ts). Unset: null.
   */
  liveStream?(): ((line: string) => void) | null;
  /** The clock of the heartbeat lines while cargo runs (the real one unless a test gives a fake). */
  heartbeatClock?: HeartbeatClock;
}

/** What the gate prints goes to stderr: stdout belongs to tools whose output Nx shows as is. */
const consoleLog: GateLog = {
  info: (text) => {
    if (text) process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  },
  warn: (text) => process.stderr.write(`warning: ${text}\n`),
};

export const processEffects: GateEffects = {
  now: () => new Date(),
  env: process.env,
  hostname: () => os.hostname(),
  interruption,
  exit: (code) => process.exit(code),
  waitForLock,
  runCommand,
  traceAvailability,
  readCrate: readCrateAt,
  detectToolchain: (cwd) => detectToolchain(cwd),
  clearOutputs,
  writeResult: writeGateResult,
  readResult: readGateResult,
  signOutputs,
  printGateLine,
  error: (message) => console.error(message),
  log: consoleLog,
  notice: (line) => (userStream ??= openUserStream()).write(line),
  liveStream: () => {
    const stream = (userStream ??= openUserStream());
    return stream.direct && !stream.terminal ? (line) => stream.write(line) : null;
  },
};

/** Opened at the first notice or live line and kept for the life of the task process. */
let userStream: UserStream | null = null;

/**
 * The previous run's result file and extra outputs go before the gate starts, so nothing can read them as this
 * run's (a gate that fails half way, or is interrupted, leaves no stale pass behind). A message when they cannot go.
 */
function clearOutputs(gate: GateDefinition, workspaceRoot: string, project: string, triple: string | undefined): string | null {
  const folder = path.join(workspaceRoot, resultFolder(project, triple));
  const target = gateTarget(gate);
  for (const file of [resultFile(workspaceRoot, project, target, triple), signatureFile(workspaceRoot, project, target, triple), ...(gate.extraOutputs ?? []).map((o) => path.join(folder, o))]) {
    try {
      fs.rmSync(file, { recursive: true, force: true });
    } catch (error) {
      return `cannot remove the previous ${path.relative(workspaceRoot, file)}: ${(error as Error).message}; make dist/release-gates writable and run again`;
    }
  }
  try {
    fs.mkdirSync(folder, { recursive: true });
    fs.accessSync(folder, fs.constants.W_OK);
  } catch (error) {
    return `cannot write to ${path.relative(workspaceRoot, folder)}: ${(error as Error).message}; make dist/release-gates writable and run again`;
  }
  return null;
}

function signOutputs(workspaceRoot: string, result: GateResult, env: NodeJS.ProcessEnv): string | null {
  const key = signingKeyFrom(env, workspaceRoot);
  // Without the task hash there is nothing a release could check the signature against.
  if (!key || !result.run?.taskHash) return null;
  return signGateOutputs(workspaceRoot, result.project, result.gate, result.run.taskHash, key, result.targetTriple);
}
