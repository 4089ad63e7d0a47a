import type { CrateModel } from '../cargo/crate-model';
import type { DeclaredInputs } from '../coverage/declared-inputs';
import type { CommandResult } from '../cargo/run-command';
import type { Toolchain } from '../cargo/toolchain';
import type { GateOptions } from '../options/resolve';
import type { GateResult, GateStatus } from '../report/result';
import type { GateStateKind } from '../gate-state/kinds';
import { boundReason } from './reason';

/** Where a gate's words go while it runs (the executor decides: terminal, CI log groups, nowhere in unit tests). */
export interface GateLog {
  /** Progress or tool output a person may want to see live. */
  info(text: string): void;
  /** Something the person should act on even when the gate passes (one line each). */
  warn(text: string): void;
}

/**
 * Another gate's result, checked to belong to this Nx run: the result file exists and was written by (or replayed
 * for) the very task Nx scheduled in this run, so a file an earlier run left behind is never judged.
 */
export type UpstreamResult = { result: GateResult } | { problem: string };

export interface RunCommandOptions {
  env?: Record<string, string | undefined>;
  live?: 'all' | 'stderr' | 'none';
  timeoutMs?: number;
  /** A question the plugin asks for itself (git check-ignore): not listed in the result's commands. */
  probe?: boolean;
}

/** What a gate has to work with. `cargo()` is the gate's only way to run cargo: it records each command line. */
export interface GateContext {
  project: string;
  /** The gate's short name (`build`). */
  gateName: string;
  crate: CrateModel;
  workspaceRoot: string;
  /** Absolute crate folder (cargo's working directory). */
  crateDir: string;
  /** Set when the gate's cargo calls use their own target directory (option targetDirectory: per-gate). */
  targetDirectory?: string;
  /** Absolute `dist/release-gates/<project>`. */
  resultDir: string;
  options: GateOptions;
  toolchain: Toolchain;
  /** The environment the gate's commands run with (the process's, plus the CUDA toolkit's folder on PATH). */
  env: Readonly<Record<string, string | undefined>>;
  log: GateLog;
  /** When this gate started: a file it reads back from a tool must be at least this new. */
  startedAt: Date;
  /** What this task's hash covers, as Nx's configuration says (for the undeclared-input check). */
  declaredInputs(): DeclaredInputs;
  /** The result of another gate of this crate in this Nx run (see UpstreamResult). */
  upstream(gate: string): UpstreamResult;
  cargo(args: string[], options?: RunCommandOptions): Promise<CommandResult>;
  /** Runs another program (nextest, git, docker, the built binary) the same way. */
  run(file: string, args: string[], options?: RunCommandOptions): Promise<CommandResult>;
}

export interface GateOutcome {
  status: GateStatus;
  reason: string;
  details?: Record<string, unknown>;
}

export interface GateDefinition {
  /** Short name: the target is `gate-<name>`, the executor `nx-release-gates:gate-<name>`. */
  name: string;
  /** What the gate protects against, for `nx show project` and README. */
  description: string;
  /**
   * Whether Nx may replay the gate's result. False for gates whose answer depends on state that no cache input
   * sees (git's index, the registry, container engines); the gate's file header says why.
   */
  cacheable: boolean;
  /** Environment variables (beyond the cargo families every gate hashes) that change this gate's answer. */
  envInputs?: readonly string[];
  /**
   * Outside state this gate's answer depends on that no file input sees (git's index, the tags, the generated
   * workflow files' drift): the kind of state probe (src/gate-state/) whose output joins the gate's cache key as a
   * runtime input. A cacheable gate that reads such state must name it here.
   */
  stateInput?: GateStateKind;
  /** Other gates of the same crate that must finish first (their outputs are read). */
  dependsOn?: string[];
  /** Gates that must finish first depending on the options (e.g. gate-version runs gate-build's binary). */
  optionalDependsOn?(options: Record<string, unknown>): string[];
  /**
   * Parts of a shared cargo target directory the gate writes and reads back (e.g. `package` for target/package):
   * gates naming the same part never run at the same time there. Ignored with per-gate target directories.
   */
  targetDirectoryParts?: readonly string[];
  /** Files or folders the gate writes beside its result file (under dist/release-gates/<project>/), cached with it. */
  extraOutputs?: string[];
  run(context: GateContext): Promise<GateOutcome>;
  /** The figure the summary table shows for this gate. */
  keyFigure(result: GateResult): string;
}

/**
 * The outcome helpers keep every reason under MAX_REASON_LENGTH characters (gates write short ones; this is the safety
 * net): a longer text is cut and kept whole in `details.fullReason`.
 */
export function outcome(status: GateStatus, reason: string, details?: Record<string, unknown>): GateOutcome {
  const bounded = boundReason(reason);
  if (bounded.fullReason === undefined) return { status, reason: bounded.reason, details };
  return { status, reason: bounded.reason, details: { ...details, fullReason: bounded.fullReason } };
}

export const passed = (reason: string, details?: Record<string, unknown>): GateOutcome => outcome('passed', reason, details);
export const failed = (reason: string, details?: Record<string, unknown>): GateOutcome => outcome('failed', reason, details);
export const skipped = (reason: string, details?: Record<string, unknown>): GateOutcome => outcome('skipped', reason, details);
export const fallback = (reason: string, details?: Record<string, unknown>): GateOutcome => outcome('fallback', reason, details);
