/**
 * How release-dry-run learns what its nested Nx run did. The nested run's postTasksExecution hook (which runs inside
 * the Nx daemon when the daemon is on, where this process's environment does not reach) recognises the nested run by
 * a marker in its command line, an `--exclude` of a project name that cannot exist, carrying the run id, and writes
 * the rows it judged against the hashes of the tasks Nx ran (rowForGate) to dist/release-gates/.runs/<run id>.json.
 * release-dry-run reads exactly that file: never another run's summary, never "a file exists, so it passed".
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RESULTS_FOLDER } from '../model/catalog';
import { readJsonIfExists, writeFileAtomic } from '../util/files';
import type { TableRow } from './table';

const MARKER_PREFIX = 'nx-release-gates-nested-run-';

/** The argument that marks a nested run: excludes a project no workspace has, so Nx changes nothing else. */
export function nestedRunMarker(runId: string): string {
  return `--exclude=${MARKER_PREFIX}${runId}`;
}

/** The run id of a nested run, from its command line, or null for any other Nx run. */
export function nestedRunIdFromArgv(argv: readonly string[]): string | null {
  for (const arg of argv) {
    const at = arg.indexOf(MARKER_PREFIX);
    if (arg.startsWith('--exclude') && at >= 0) {
      const id = arg.slice(at + MARKER_PREFIX.length).split(',')[0];
      if (/^[\w-]+$/.test(id)) return id;
    }
  }
  return null;
}

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

export function nestedRunFile(workspaceRoot: string, runId: string): string {
  return path.join(runRecordsFolder(workspaceRoot), `${runId}.json`);
}

export function writeNestedRun(workspaceRoot: string, record: NestedRunRecord): void {
  writeFileAtomic(nestedRunFile(workspaceRoot, record.runId), `${JSON.stringify(record)}\n`);
}

/** Reads and removes the record (each is read once, by the release-dry-run that started the run). */
export function takeNestedRun(workspaceRoot: string, runId: string): NestedRunRecord | null {
  const file = nestedRunFile(workspaceRoot, runId);
  const record = readJsonIfExists<NestedRunRecord>(file);
  fs.rmSync(file, { force: true });
  return record && record.runId === runId ? record : null;
}
