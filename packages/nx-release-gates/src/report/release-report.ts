/**
 * The release report of one crate: every gate's result (or why it has none), whether it ran or came from the
 * cache, and the overall status. `failed` exactly when a gate failed or did not run.
 */
import type { TableRow } from './table';
import { GateResult, GateStatus, RESULT_SCHEMA_VERSION } from './result';
import { findGate } from '../gates/registry';

export interface ReleaseReport {
  schemaVersion: number;
  project: string;
  crate: string;
  version: string;
  status: 'passed' | 'failed';
  startedAt: string;
  durationMs: number;
  gates: Array<GateResult & { source: string }>;
  /** Gates that produced no result (a gate they depend on failed). */
  notRun: Array<{ gate: string; reason: string }>;
  skipped: Array<{ gate: string; reason: string }>;
  rows: TableRow[];
  problems: string[];
}

export interface ReportInput {
  workspaceRoot: string;
  project: string;
  gates: string[];
  startedAt: Date;
  results: Array<GateResult | null>;
}

export async function buildReleaseReport(input: ReportInput): Promise<ReleaseReport> {
  const rows: TableRow[] = [];
  const gates: ReleaseReport['gates'] = [];
  const notRun: ReleaseReport['notRun'] = [];
  const failedGates: string[] = [];
  input.results.forEach((result, i) => {
    const gate = input.gates[i];
    if (!result) {
      const blockers = (findGate(gate)?.dependsOn ?? []).map((d) => `gate-${d}`).filter((d) => failedGates.includes(d));
      const reason = blockers.length ? `not run: ${blockers.join(', ')} failed` : 'not run: Nx did not run this gate';
      notRun.push({ gate, reason });
      rows.push({ project: input.project, gate, status: 'failed', source: 'not run', durationMs: null, figure: '', reason });
      return;
    }
    const source = Date.parse(result.startedAt) >= input.startedAt.getTime() - 1000 ? 'ran' : 'cache';
    if (result.status === 'failed') failedGates.push(gate);
    gates.push({ ...result, source });
    rows.push({
      project: input.project,
      gate,
      status: result.status,
      source,
      durationMs: result.durationMs,
      figure: findGate(gate)?.keyFigure(result) ?? '',
      reason: result.reason,
    });
  });
  const first = input.results.find((r): r is GateResult => !!r);
  const status: 'passed' | 'failed' = rows.some((r) => r.status === 'failed') ? 'failed' : 'passed';
  return {
    schemaVersion: RESULT_SCHEMA_VERSION,
    project: input.project,
    crate: first?.crate ?? input.project,
    version: first?.version ?? '',
    status,
    startedAt: input.startedAt.toISOString(),
    durationMs: Date.now() - input.startedAt.getTime(),
    gates,
    notRun,
    skipped: gates.filter((g) => g.status === 'skipped').map((g) => ({ gate: g.gate, reason: g.reason })),
    rows,
    problems: [],
  };
}

export type { GateStatus };
