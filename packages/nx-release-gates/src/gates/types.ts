import type { CrateModel } from '../model/crate-model';
import type { DeclaredInputs } from '../cache-key/declared-inputs';
import type { CommandResult, RunCommandOptions } from '../ops/process';
export type { RunCommandOptions } from '../ops/process';
import type { Toolchain } from '../ops/toolchain';
import type { GateOptions } from '../model/options';
import type { GateResult, GateStatus } from '../report/result';
import type { GateSpec } from '../model/catalog';
import { boundReason } from '../model/reason';
import type { TraceRecord } from '../parsers/strace';

/** What tracing saw of a traced gate's cargo calls (ops/trace.ts), or why it could not look. */
export type TracedReads = { mode: 'strace'; records: TraceRecord[] } | { mode: 'unavailable'; reason: string };

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
  /**
   * The environment the gate's commands run with: the variables its cache key covers and those a process needs
   * (cache-key/gate-environment.ts), plus the CUDA toolkit's folder on PATH. Nothing else of the task's reaches them.
   */
  env: Readonly<Record<string, string | undefined>>;
  log: GateLog;
  /** When this gate started: a file it reads back from a tool must be at least this new. */
  startedAt: Date;
  /** What this task's hash covers, as Nx's configuration says (for the undeclared-input check). */
  declaredInputs(): DeclaredInputs;
  /** The result of another gate of this crate in this Nx run (see UpstreamResult). */
  upstream(gate: string): UpstreamResult;
  cargo(args: string[], options?: RunCommandOptions): Promise<CommandResult>;
  /** What the cargo calls so far read, for a traced gate (GateSpec.traced); null when not traced or before a call. */
  tracedReads(): TracedReads | null;
  /** Runs another program (nextest, git, docker, the built binary) the same way. */
  run(file: string, args: string[], options?: RunCommandOptions): Promise<CommandResult>;
}

export interface GateOutcome {
  status: GateStatus;
  reason: string;
  details?: Record<string, unknown>;
}

/** A gate: its catalog entry (model/catalog.ts) and the code that runs it. */
export interface GateDefinition extends GateSpec {
  run(context: GateContext): Promise<GateOutcome>;
  /**
   * Whether this run will use the shared target directory parts it names (targetDirectoryParts), decided from the
   * context alone and without side effects; unset: always. The adapter takes those locks only when it says yes, so a
   * gate with nothing to build (no CUDA features, say) never waits for another gate's long build.
   */
  needsTargetDirectory?(context: GateContext): boolean;
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
