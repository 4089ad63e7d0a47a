/**
 * What release-dry-run makes of its nested Nx run, from facts alone: its exit code, the signal this process received,
 * the record the nested run's hook wrote (report/nested-run.ts), and the result file of each gate on disk. It decides
 * whether the dry run was interrupted and by which signal, and gives every gate a row: the record's, this run's
 * result when an interruption left no record, or why the gate has none.
 *
 * Nx stopping a run and Nx skipping tasks after a failed dependency look alike from outside (Nx 23.2.1 exits 130 for
 * both); only the record's count of stopped tasks tells them apart.
 */
import { resultBelongsToRun, RunStamp } from './freshness';

/** A gate's result file as the verdict reads it (GateResult). */
export interface ResultFacts<Status extends string = string> {
  status: Status;
  reason: string;
  durationMs: number;
  keyFigure?: string;
  details: Record<string, unknown>;
  run?: RunStamp;
}

/** The nested run's record: the rows its hook judged, and how many tasks Nx reported stopped (absent in older ones). */
export interface RecordFacts<Row> {
  rows: Row[];
  stoppedTasks?: number;
}

/** What the verdict knows of a nested run besides its record's rows. */
export interface RunFacts<Status extends string = string> {
  project: string;
  gates: readonly string[];
  /** The id the nested run stamped its results with. */
  runId: string;
  exitCode: number;
  /** The signal this process received (SIGINT, SIGTERM), or null. */
  received: NodeJS.Signals | null;
  record: { stoppedTasks?: number } | null;
  /** The result file of a gate on disk (null when there is none). */
  resultOf(gate: string): ResultFacts<Status> | null;
}

export interface NestedRunFacts<Status extends string, Row extends { project: string; gate: string }> extends RunFacts<Status> {
  record: RecordFacts<Row> | null;
}

/** A row from a result file this run wrote before an interruption cut it off. */
export interface ResultRow<Status extends string> {
  project: string;
  gate: string;
  status: Status;
  source: 'ran';
  durationMs: number;
  figure: string;
  reason: string;
  emergency: false;
}

export interface NotRun {
  status: 'interrupted' | 'failed';
  reason: string;
}

export interface RunVerdict<Status extends string, Row> {
  /** The signal that interrupted the dry run, or null. */
  interruptedBy: NodeJS.Signals | null;
  /** This run's row of each gate that has one. */
  rows: Map<string, Row | ResultRow<Status>>;
  /** Why a gate without a row has none (its status and reason). */
  notRun: NotRun;
  /** Nx itself exited non-zero without an interruption: never a pass, whatever the rows say. */
  nxFailed: boolean;
}

/**
 * Whether to wait a moment for a signal to reach this process: Nx ends a task's whole process tree deepest first,
 * so the nested Nx may be gone before our own signal arrives. Not when one came, the nested run succeeded, or its
 * record counted no stopped task (then nothing was interrupted).
 */
export function mayAwaitSignal(facts: Pick<RunFacts, 'exitCode' | 'received' | 'record'>): boolean {
  return !facts.received && facts.exitCode !== 0 && facts.record?.stoppedTasks !== 0;
}

/** The signal a gate of this run recorded when it was cut off (result.details.interruptedBy). */
function cutOffSignal<Status extends string>(facts: RunFacts<Status>): NodeJS.Signals | null {
  for (const gate of facts.gates) {
    const result = facts.resultOf(gate);
    if (result && resultBelongsToRun(result, facts.runId) && result.status === 'interrupted' && typeof result.details.interruptedBy === 'string') {
      return result.details.interruptedBy as NodeJS.Signals;
    }
  }
  return null;
}

/**
 * The signal that interrupted the dry run: ours, else the one the cut-off gates of this run recorded, else a nested
 * exit of 130/143 (Nx's code for a run it stopped), unless the nested record says no task was stopped.
 */
export function interruptingSignal<Status extends string>(facts: RunFacts<Status>): NodeJS.Signals | null {
  if (facts.received || facts.exitCode === 0) return facts.received;
  // Nx 23.2.1 exits 130 also when it skipped tasks after a failed dependency (a skipped task gets no result, which Nx
  // counts as an unfinished run). A run whose hook wrote its record and counted no stopped task was not interrupted.
  if (facts.record?.stoppedTasks === 0) return cutOffSignal(facts);
  return cutOffSignal(facts) ?? (facts.exitCode === 130 ? 'SIGINT' : facts.exitCode === 143 ? 'SIGTERM' : null);
}

/**
 * Rows when the record cannot be used: after an interruption, each gate that wrote a result in this run shows it
 * (a leftover file of another run never does); without an interruption, a run that left no record has no rows.
 */
function resultRows<Status extends string>(facts: RunFacts<Status>, signal: NodeJS.Signals | null): Map<string, ResultRow<Status>> {
  const rows = new Map<string, ResultRow<Status>>();
  if (!signal) return rows;
  for (const gate of facts.gates) {
    const result = facts.resultOf(gate);
    if (!result || !resultBelongsToRun(result, facts.runId)) continue;
    rows.set(gate, { project: facts.project, gate, status: result.status, source: 'ran', durationMs: result.durationMs, figure: result.keyFigure ?? '', reason: result.reason, emergency: false });
  }
  return rows;
}

export function runVerdict<Status extends string, Row extends { project: string; gate: string }>(facts: NestedRunFacts<Status, Row>): RunVerdict<Status, Row> {
  const signal = interruptingSignal(facts);
  const rows = new Map<string, Row | ResultRow<Status>>();
  if (facts.record && !signal) {
    for (const row of facts.record.rows) if (row.project === facts.project && facts.gates.includes(row.gate)) rows.set(row.gate, row);
  } else {
    for (const [gate, row] of resultRows(facts, signal)) rows.set(gate, row);
  }
  const notRun: NotRun = signal
    ? { status: 'interrupted', reason: `not run: ${signal} interrupted the dry run before this gate started` }
    : { status: 'failed', reason: `no record of this gate from the nested Nx run (it exited with ${facts.exitCode}); see the output above` };
  return { interruptedBy: signal, rows, notRun, nxFailed: !signal && facts.exitCode !== 0 };
}
