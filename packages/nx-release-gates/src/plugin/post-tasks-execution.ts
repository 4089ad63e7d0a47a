/**
 * After every Nx run that touched gate targets (nx run, run-many, affected): write the run summary files, append
 * the step summary, emit GitHub annotations, and print the table. With the Nx daemon on, this hook runs inside the
 * daemon, where printing reaches no terminal: the files are still written, and release-dry-run prints its own
 * table in the terminal's process (see executors/release-dry-run).
 */
import type { PostTasksExecution } from '@nx/devkit';
import { RELEASE_DRY_RUN } from './targets';
import { readReleaseReport } from '../report/release-report';
import { appendStepSummary, buildSummary, githubAnnotations, rowForGate, sourceOfStatus, summaryText, writeSummaryFiles } from '../report/summary';
import type { TableRow } from '../report/table';

/** Set by release-dry-run for its nested Nx run: the outer run reports, the nested one only writes files. */
export const NESTED_RUN_VARIABLE = 'NX_RELEASE_GATES_NESTED';

export const postTasksExecution: PostTasksExecution = async (_options, context) => {
  const rows: TableRow[] = [];
  let directGates = false;
  for (const result of Object.values(context.taskResults)) {
    const { project, target } = result.task.target;
    if (target.startsWith('gate-')) {
      directGates = true;
      const triple = result.task.overrides?.targetTriple;
      rows.push(
        rowForGate(context.workspaceRoot, project, target, sourceOfStatus(result.status), {
          hash: result.task.hash,
          succeeded: result.status !== 'failure',
          targetTriple: typeof triple === 'string' && triple ? triple : undefined,
        }),
      );
    } else if (target === RELEASE_DRY_RUN) {
      const report = readReleaseReport(context.workspaceRoot, project);
      if (report) rows.push(...report.rows);
    }
  }
  if (rows.length === 0) return;
  const summary = buildSummary(rows);
  try {
    writeSummaryFiles(context.workspaceRoot, summary);
  } catch (error) {
    console.error(`nx-release-gates: could not write dist/release-gates/summary.*: ${(error as Error).message}`);
  }
  if (process.env[NESTED_RUN_VARIABLE] === '1') return;
  appendStepSummary(process.env.GITHUB_STEP_SUMMARY, summary);
  if (process.env.GITHUB_ACTIONS === 'true') for (const line of githubAnnotations(summary)) console.log(line);
  // release-dry-run already printed its crate's table; print here when gates ran directly or several crates did.
  const projects = new Set(rows.map((r) => r.project));
  if (directGates || projects.size > 1) console.log(`\n${summaryText(summary)}\n`);
};
