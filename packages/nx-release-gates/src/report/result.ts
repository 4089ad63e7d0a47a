/**
 * The result file format: one type, one writer. Every gate writes
 * `dist/release-gates/<project>/<target>.json`; the release report and the summary read them back.
 * The JSON Schema shipped as `schemas/gate-result.schema.json` describes the same shape; keep both in step.
 */
import * as path from 'node:path';
import { RESULTS_FOLDER } from '../model/catalog';
import type { Toolchain } from '../ops/toolchain';
import { readJsonIfExists, writeFileAtomic } from '../util/files';

export const RESULT_SCHEMA_VERSION = 1;

/** `interrupted`: SIGINT/SIGTERM ended the gate before it could judge; it counts as a failure everywhere. */
export type GateStatus = 'passed' | 'failed' | 'fallback' | 'skipped' | 'interrupted';

/** Statuses that fail a release: a failed gate, and one cut off before it judged. */
export function isFailure(status: GateStatus): boolean {
  return status === 'failed' || status === 'interrupted';
}

export interface GateResult {
  schemaVersion: number;
  /** Target name, e.g. `gate-size`. */
  gate: string;
  project: string;
  crate: string;
  version: string;
  status: GateStatus;
  /** One sentence for a person: why this status. */
  reason: string;
  startedAt: string;
  durationMs: number;
  /** Every command the gate ran, as a person would type it. */
  commands: string[];
  /** The figure the summary table shows for this gate (e.g. `1 binary`), worked out by the gate when it finished. */
  keyFigure?: string;
  /** The gate's figures (sizes, counts, missing files, CUDA mode, ...). */
  details: Record<string, unknown>;
  /** Which Nx task wrote the file (see schemas/gate-result.schema.json): how a reader tells this run's file from a leftover. */
  run?: { taskHash: string | null; runId: string | null; host: string | null; commit?: string | null };
  /** The Rust target triple the gate built for (the targetTriple option); absent for the host. */
  targetTriple?: string;
  environment: {
    rustc: string | null;
    cargo: string | null;
    host: string | null;
    cudaToolkit: string | null;
  };
}

/**
 * Folder of one project's results, relative to the workspace root (also the targets' declared output); a build for
 * another Rust target triple keeps its own below it, `<project>/<triple>/`.
 */
export function resultFolder(project: string, targetTriple?: string): string {
  return path.posix.join(RESULTS_FOLDER, project, ...(targetTriple ? [targetTriple] : []));
}

export function resultFile(workspaceRoot: string, project: string, target: string, targetTriple?: string): string {
  return path.join(workspaceRoot, resultFolder(project, targetTriple), `${target}.json`);
}

export function environmentOf(toolchain: Toolchain | null): GateResult['environment'] {
  return {
    rustc: toolchain?.rustc ?? null,
    cargo: toolchain?.cargo ?? null,
    host: toolchain?.host ?? null,
    cudaToolkit: toolchain?.cuda?.version ?? null,
  };
}

export function writeGateResult(workspaceRoot: string, result: GateResult): string {
  const file = resultFile(workspaceRoot, result.project, result.gate, result.targetTriple);
  writeFileAtomic(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

export function readGateResult(workspaceRoot: string, project: string, target: string, targetTriple?: string): GateResult | null {
  return readJsonIfExists<GateResult>(resultFile(workspaceRoot, project, target, targetTriple));
}
