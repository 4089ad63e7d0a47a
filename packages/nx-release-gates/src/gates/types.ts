import type { CrateModel } from '../cargo/crate-model';
import type { CommandResult } from '../cargo/run-command';
import type { Toolchain } from '../cargo/toolchain';
import type { GateOptions } from '../options/resolve';
import type { GateResult, GateStatus } from '../report/result';

/** What a gate has to work with. `cargo()` is the gate's only way to run cargo: it records each command line. */
export interface GateContext {
  project: string;
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
  cargo(args: string[], options?: { env?: Record<string, string | undefined>; live?: 'all' | 'stderr' | 'none' }): Promise<CommandResult>;
  /** Runs another program (nextest, git, docker, the built binary) the same way. */
  run(
    file: string,
    args: string[],
    options?: { env?: Record<string, string | undefined>; live?: 'all' | 'stderr' | 'none'; timeoutMs?: number },
  ): Promise<CommandResult>;
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
  /** Other gates of the same crate that must finish first (their outputs are read). */
  dependsOn?: string[];
  /** Files or folders the gate writes beside its result file (under dist/release-gates/<project>/), cached with it. */
  extraOutputs?: string[];
  run(context: GateContext): Promise<GateOutcome>;
  /** The figure the summary table shows for this gate. */
  keyFigure(result: GateResult): string;
}

export const passed = (reason: string, details?: Record<string, unknown>): GateOutcome => ({ status: 'passed', reason, details });
export const failed = (reason: string, details?: Record<string, unknown>): GateOutcome => ({ status: 'failed', reason, details });
export const skipped = (reason: string, details?: Record<string, unknown>): GateOutcome => ({ status: 'skipped', reason, details });
