/**
 * Where the crates of one `nx run-many -t release-dry-run` collect their rows for the combined table: one file per Nx
 * run and set of crates, told apart from earlier runs by the Nx process that started the tasks (pid and start time).
 * The dry runs' processes and, with the daemon off, the post-run hook's plugin worker are all that process's children.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { sha256 } from '../util/hash';
import { runRecordsFolder } from './nested-run';

/** The Nx process that started this one, with its start time so a reused pid is another run. */
function nxRunIdentity(): string {
  let started = '';
  try {
    const stat = fs.readFileSync(`/proc/${process.ppid}/stat`, 'utf8');
    started = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
  } catch {
    // No /proc: the pid alone.
  }
  return `${process.ppid}:${started}`;
}

/** This Nx run's record for `projects` (sorted): its key (for the lock) and its file. */
export function combinedRecord(workspaceRoot: string, projects: readonly string[]): { key: string; file: string } {
  const key = sha256(nxRunIdentity(), ...projects).slice(0, 24);
  return { key, file: path.join(runRecordsFolder(workspaceRoot), `combined-${key}.json`) };
}
