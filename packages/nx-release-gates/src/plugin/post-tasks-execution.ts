/**
 * After every Nx run that touched gate targets (nx run, run-many, affected): write the run summary files, append
 * the step summary, emit GitHub annotations, and print the table of gates run directly, and the combined table of a
 * run over several crates' dry runs when one of them replayed whole. With the Nx daemon on, this
 * hook runs inside the daemon, where printing reaches no terminal: the files are still written, and release-dry-run
 * prints its tables in the terminal's process (its own, and the combined one of a run over several crates).
 */
import type * as crypto from 'node:crypto';
import type { PostTasksExecution } from '@nx/devkit';
import { RELEASE_DRY_RUN, RESULTS_FOLDER } from '../model/catalog';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { combinedRecord } from '../report/combined-record';
import { readReleaseReport, releaseReportFile, type ReleaseReport } from '../report/release-report';
import { asReplayed, replaySourceOf } from '../report/replayed-report';
import { writeFileAtomic } from '../util/files';
import { appendStepSummary, buildSummary, combinedTableText, githubAnnotations, summaryText, writeSummaryFiles } from '../report/summary';
import type { TableRow } from '../report/table';
import { gateTaskRow } from '../report/nested-run';
import { resultBelongsToTask, startedDuring } from '../model/freshness';
import { trustedKeyFrom, withReplayChecked } from '../report/result-signature';

export const postTasksExecution: PostTasksExecution = async (_options, context) => {
  const rows: TableRow[] = [];
  let directGates = false;
  let missingReport = false;
  /** The crates whose release-dry-run this run holds, and whether one of them replayed whole. */
  const dryRunProjects: string[] = [];
  let replayedWhole = false;
  const trustedKey = trustedKeyOrProblem(context.workspaceRoot);
  for (const result of Object.values(context.taskResults)) {
    const { project, target } = result.task.target;
    if (target.startsWith('gate-')) {
      directGates = true;
      const { row, task } = gateTaskRow(context.workspaceRoot, result);
      rows.push(trustedKey ? withReplayChecked(context.workspaceRoot, row, task, trustedKey) : row);
    } else if (target === RELEASE_DRY_RUN) {
      dryRunProjects.push(project);
      // Only a report this run wrote, or the one Nx replayed for this very task (the whole dry run from a cache): one
      // left by an earlier run (this one was skipped or could not write) never counts.
      const report = readReleaseReport(context.workspaceRoot, project);
      const replayedFrom = replaySourceOf(result.status);
      if (report && replayedFrom && resultBelongsToTask(report, result.task.hash)) {
        replayedWhole = true;
        rows.push(...recordReplay(context.workspaceRoot, project, asReplayed(report, replayedFrom)).rows);
      } else if (report && startedDuring(report.startedAt, context.startTime)) rows.push(...report.rows);
      else {
        missingReport = true;
        rows.push({ project, gate: RELEASE_DRY_RUN, status: 'failed', source: 'not run', durationMs: null, figure: '', reason: `${RELEASE_DRY_RUN} wrote no report in this run; see its output above`, emergency: false });
      }
    }
  }
  if (rows.length === 0) return;
  const summary = buildSummary(rows);
  try {
    // The files also keep the rows of runs still going when this one started (another crate's release dry run).
    await writeSummaryFiles(context.workspaceRoot, summary, new Date(Number.isFinite(context.startTime) ? context.startTime : Date.now()));
  } catch (error) {
    console.error(`nx-release-gates: could not write ${RESULTS_FOLDER}/summary.*: ${(error as Error).message}`);
  }
  appendStepSummary(process.env.GITHUB_STEP_SUMMARY, summary);
  if (process.env.GITHUB_ACTIONS === 'true') for (const line of githubAnnotations(summary)) console.log(line);
  // release-dry-run prints its own tables (also the combined one), with the daemon on or off, and Nx shows a whole
  // replay's stored output; here, gates run directly, and a release-dry-run that could not write its report (the
  // daemon being off).
  if (directGates || missingReport) console.log(`\n${summaryText(summary)}\n`);
  // A run over several crates ends with one combined table, which the last dry run to finish prints; when one of them
  // replayed whole, none of them has every crate's rows, so it is printed here (the daemon off: dry-run-key.ts).
  if (replayedWhole && dryRunProjects.length > 1) {
    const crates = [...new Set(dryRunProjects)].sort();
    console.log(`\n${combinedTableText(crates, rows.filter((row) => crates.includes(row.project)))}\n`);
    // The rows the dry runs that ran collected for it, which no dry run will complete.
    fs.rmSync(combinedRecord(context.workspaceRoot, crates).file, { force: true });
  }
};

/** Writes the replayed report back with its sources; when it cannot be written, says so in one line and keeps the rows. */
function recordReplay(workspaceRoot: string, project: string, report: ReleaseReport): ReleaseReport {
  const file = releaseReportFile(workspaceRoot, project);
  try {
    writeFileAtomic(file, `${JSON.stringify(report, null, 2)}\n`);
  } catch (error) {
    console.error(`nx-release-gates: could not mark ${path.relative(workspaceRoot, file)} as replayed (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); make ${RESULTS_FOLDER} writable`);
  }
  return report;
}

/** The key replays must be signed with (NX_RELEASE_GATES_TRUSTED_KEY); why it is unusable; or null: trust every replay. */
function trustedKeyOrProblem(workspaceRoot: string): crypto.KeyObject | string | null {
  try {
    return trustedKeyFrom(process.env, workspaceRoot);
  } catch (error) {
    return (error as Error).message;
  }
}
