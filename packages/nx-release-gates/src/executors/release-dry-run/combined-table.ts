/**
 * `nx run-many -t release-dry-run` over several crates ends with one combined table, printed by whichever
 * release-dry-run of the run finishes last: this works with the Nx daemon on, where the postTasksExecution hook runs
 * inside the daemon and cannot reach the terminal. The crates of one Nx run are the release-dry-run tasks of its task
 * graph; their record is report/combined-record.ts.
 * Without a terminal Nx does not show the output of successful tasks at all, so there the table goes straight to the
 * standard output of the Nx command the user started (a CI log's pipe).
 */
import * as fs from 'node:fs';
import type { ExecutorContext } from '@nx/devkit';
import { combinedRecord } from '../../report/combined-record';
import { combinedTableText } from '../../report/summary';
import type { TableRow } from '../../report/table';
import { readJsonIfExists, writeFileAtomic } from '../../util/files';
import { tryLock } from '../../ops/lock';
import { openUserStream, UserStream } from '../../ops/user-stream';

type Collected = Record<string, TableRow[]>;

/** Adds this crate's rows; returns the combined table when every crate of the run has reported, else null. */
export function collectForCombinedTable(context: ExecutorContext, target: string, project: string, rows: TableRow[]): string | null {
  const projects = [...new Set(Object.values(context.taskGraph?.tasks ?? {}).filter((t) => t.target.target === target).map((t) => t.target.project))].sort();
  if (projects.length < 2 || !projects.includes(project)) return null;
  const { key, file } = combinedRecord(context.root, projects);
  let lock = tryLock(`${context.root}\0combined\0${key}`, `${project}:${target}`);
  for (let i = 0; i < 100 && !('release' in lock); i++) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    lock = tryLock(`${context.root}\0combined\0${key}`, `${project}:${target}`);
  }
  if (!('release' in lock)) return null;
  try {
    const collected: Collected = { ...readJsonIfExists<Collected>(file), [project]: rows };
    if (projects.every((p) => collected[p])) {
      fs.rmSync(file, { force: true });
      return combinedTableText(projects, projects.flatMap((p) => collected[p]));
    }
    writeFileAtomic(file, `${JSON.stringify(collected)}\n`);
    return null;
  } catch {
    return null; // The combined table is a courtesy; each crate printed its own and wrote its report.
  } finally {
    lock.release();
  }
}

/** Where the combined table can go: this task's own output, or the stream of the Nx command the user started. */
export interface TableOutlets {
  /** This process's stdout is a terminal: Nx shows the task's output as it comes. */
  terminal: boolean;
  openUserStdout(): UserStream;
  print(text: string): void;
}

const processOutlets: TableOutlets = {
  terminal: process.stdout.isTTY === true,
  openUserStdout: () => openUserStream('stdout'),
  print: (text) => console.log(text),
};

/**
 * Prints the combined table once. In a terminal it goes with the task's output, which Nx shows; without one Nx hides
 * a successful task's output, so it goes straight to the user's stdout (and only there, or Nx would print it twice
 * when it does show the output) when that is a pipe it can reach (UserStream.direct); else with the task's output.
 */
export function showCombinedTable(table: string, outlets: TableOutlets = processOutlets): void {
  const text = `\n${table}\n`;
  if (outlets.terminal) return outlets.print(text);
  const user = outlets.openUserStdout();
  try {
    if (user.direct) user.write(text);
    else outlets.print(text);
  } finally {
    user.close();
  }
}
