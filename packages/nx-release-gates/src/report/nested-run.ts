/**
 * What release-dry-run learns of the gates its nested Nx run ran: the rows judged against the hashes of the tasks Nx
 * ran or replayed (rowForGate), how many tasks Nx stopped, and each task's hash. Built from Nx's own task results,
 * never from "a result file exists, so it passed".
 */
import * as path from 'node:path';
import { RESULTS_FOLDER } from '../model/catalog';
import { NxTaskOutcome, rowForGate, sourceOfStatus } from './summary';
import type { TableRow } from './table';

export interface NestedRunRecord {
  runId: string;
  rows: TableRow[];
  /**
   * Tasks Nx reported `stopped` (cut off by a signal). Nx 23.2.1 exits 130 both when a run was interrupted and when
   * it skipped tasks after a failed dependency; only this count tells the two apart.
   */
  stoppedTasks: number;
  /** The hash Nx computed for each task of the run, by `<project>:<target>`. */
  taskHashes?: Record<string, string>;
}

/** Run records of this plugin's own (nested runs, combined tables): beside the results, never a project's. */
export function runRecordsFolder(workspaceRoot: string): string {
  return path.join(workspaceRoot, RESULTS_FOLDER, '.runs');
}

/** One task's outcome as Nx's task runner reports it (the fields the record reads). */
export interface NxTaskResultFacts {
  task: { target: { project: string; target: string }; hash?: string; overrides?: Record<string, unknown> };
  status: string;
}

/** A gate task's row, judged against the hash Nx gave the task, and the task as the row was judged. */
export function gateTaskRow(workspaceRoot: string, result: NxTaskResultFacts): { row: TableRow; task: NxTaskOutcome } {
  const triple = result.task.overrides?.targetTriple;
  const task = { hash: result.task.hash, succeeded: result.status !== 'failure', targetTriple: typeof triple === 'string' && triple ? triple : undefined };
  return { row: rowForGate(workspaceRoot, result.task.target.project, result.task.target.target, sourceOfStatus(result.status), task), task };
}

/** The record of a nested run from Nx's task results: a row per gate task, the stopped count and the task hashes. */
export function nestedRunRecord(workspaceRoot: string, runId: string, taskResults: Readonly<Record<string, NxTaskResultFacts>>): NestedRunRecord {
  const results = Object.values(taskResults);
  const rows = results.filter((r) => r.task.target.target.startsWith('gate-')).map((r) => gateTaskRow(workspaceRoot, r).row);
  const taskHashes = Object.fromEntries(results.filter((r) => r.task.hash).map((r) => [`${r.task.target.project}:${r.task.target.target}`, r.task.hash as string]));
  return { runId, rows, stoppedTasks: results.filter((r) => r.status === 'stopped').length, taskHashes };
}
