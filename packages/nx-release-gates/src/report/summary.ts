/**
 * The run summary: one row per crate x gate for everything an Nx run executed or replayed, written as
 * dist/release-gates/summary.{md,json} and junit.xml, appended to $GITHUB_STEP_SUMMARY, and turned into GitHub
 * annotations for failed gates.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expiryNote } from '../model/emergency';
import { findGateSpec, GATE_SPECS, gateTarget, RESULTS_FOLDER } from '../model/catalog';
import { readJsonIfExists, writeFileAtomic } from '../util/files';
import { waitForLock } from '../ops/lock';
import { resultBelongsToTask } from '../model/freshness';
import { annotationMessage, forWorkflowLog, oneLine } from '../util/workflow-text';
import { gatesJunit } from './junit';
import { isFailure, readGateResult, RESULT_SCHEMA_VERSION } from './result';
import { markdownTable, problemLines, TableRow, textTable } from './table';
import type { UndeclaredInput } from '../cache-key/undeclared-inputs';

/** Nx's task status -> where the gate's result came from. */
export function sourceOfStatus(status: string): string {
  switch (status) {
    case 'local-cache':
    case 'local-cache-kept-existing':
      return 'local cache';
    case 'remote-cache':
      return 'remote cache';
    case 'skipped':
    case 'stopped':
      return 'not run';
    default:
      return 'ran';
  }
}

/** What Nx said about the task that should have written a result: its hash, whether it succeeded, its --targetTriple. */
export interface NxTaskOutcome {
  hash?: string;
  succeeded: boolean;
  /** The run's --targetTriple, whose results sit in that triple's folder. */
  targetTriple?: string;
}

/**
 * Nx does not run a task whose dependency failed (gate-size after a failed gate-build) and reports no result for it:
 * such a failed "not run" row says which gate failed, so the table points at the cause.
 */
export function explainNotRun(rows: readonly TableRow[]): TableRow[] {
  const failedGates = new Set(rows.filter((r) => r.status === 'failed' && r.source !== 'not run').map((r) => `${r.project}\0${r.gate}`));
  return rows.map((row) => {
    if (row.source !== 'not run' || row.status !== 'failed') return row;
    const failedDeps = (findGateSpec(row.gate)?.dependsOn ?? []).map((d) => `gate-${d}`).filter((d) => failedGates.has(`${row.project}\0${d}`));
    return failedDeps.length ? { ...row, reason: `not run: ${failedDeps.join(', ')} failed, and ${row.gate} needs its result` } : row;
  });
}

export function rowForGate(workspaceRoot: string, project: string, gate: string, source: string, task?: NxTaskOutcome): TableRow {
  const result = source === 'not run' ? null : readGateResult(workspaceRoot, project, gate, task?.targetTriple);
  if (!result && (source === 'local cache' || source === 'remote cache')) {
    // Nx 23.2.1 after `nx reset --only-cache` reports a hit but restores no output.
    const reason = `Nx reported a ${source} hit but restored no result file; run \`nx reset\` and run again`;
    return { project, gate, status: 'failed', source, durationMs: null, figure: '', reason, emergency: false };
  }
  if (!result) {
    const deps = (findGateSpec(gate)?.dependsOn ?? []).map((d) => `gate-${d}`);
    const reason = `not run${deps.length ? ` (it needs ${deps.join(', ')})` : ''}`;
    return { project, gate, status: 'failed', source: 'not run', durationMs: null, figure: '', reason, emergency: false };
  }
  const row: TableRow = {
    project,
    gate,
    status: result.status,
    source,
    durationMs: result.durationMs,
    figure: result.keyFigure ?? '',
    checked: typeof result.details?.checked === 'number' ? result.details.checked : null,
    reason: result.reason,
    emergency: result.details?.emergency !== undefined,
    ...(result.details?.emergencyUntil !== undefined ? { emergencyUntil: result.details.emergencyUntil as string | null } : {}),
  };
  const undeclared = (result.details?.undeclaredInputs as UndeclaredInput[] | undefined) ?? [];
  if (undeclared.length) row.undeclaredInputs = undeclared.map((u) => `${u.name} (${u.why}); ${u.fix}`);
  // A file on disk is this run's only when it records the hash of the task Nx ran (or replayed) now; anything else was
  // left by an earlier run (this run could not write its own, say) and must never show as this run's verdict.
  if (task?.hash && !resultBelongsToTask(result, task.hash)) {
    return { ...row, status: 'failed', figure: '', checked: null, emergency: false, reason: `its result file is not this run's (left by an earlier run: this run's ${gate} could not write one); see the gate's output above` };
  }
  if (task && !task.succeeded && !isFailure(result.status)) {
    return { ...row, status: 'failed', reason: `Nx reports the task failed although its result file says ${result.status}; see the gate's output above` };
  }
  return row;
}

/** Emergency skips first (they must be seen), then by crate in gate order. */
export function orderRows(rows: TableRow[]): TableRow[] {
  const gateIndex = (gate: string) => {
    const i = GATE_SPECS.findIndex((g) => gateTarget(g) === gate);
    return i < 0 ? GATE_SPECS.length : i;
  };
  return [...rows].sort(
    (a, b) => Number(!!b.emergency) - Number(!!a.emergency) || a.project.localeCompare(b.project) || gateIndex(a.gate) - gateIndex(b.gate),
  );
}

export interface RunSummary {
  schemaVersion: number;
  status: 'passed' | 'failed';
  generatedAt: string;
  emergency: Array<{ project: string; gate: string; reason: string; until?: string | null }>;
  rows: TableRow[];
  /** The runs whose rows the files hold (see mergeSummaries); absent in a summary of one run not yet written. */
  runs?: SummaryRun[];
}

/** One Nx run whose rows a summary file holds: when it ran and the projects whose rows are its. */
export interface SummaryRun {
  startedAt: string;
  finishedAt: string;
  projects: string[];
}

export function buildSummary(rows: TableRow[]): RunSummary {
  const ordered = orderRows(rows);
  return {
    schemaVersion: RESULT_SCHEMA_VERSION,
    status: ordered.some((r) => isFailure(r.status)) ? 'failed' : 'passed',
    generatedAt: new Date().toISOString(),
    emergency: ordered.filter((r) => r.emergency).map((r) => ({ project: r.project, gate: r.gate, reason: r.reason, ...(r.emergencyUntil !== undefined ? { until: r.emergencyUntil } : {}) })),
    rows: ordered,
  };
}

/**
 * The skip's expiry comes from the skipped results (details.emergencyUntil), which the gates wrote with the variables
 * they ran with, never from the environment (the summary hook runs in the Nx daemon, whose environment may not be the
 * run's).
 */
export function emergencyBanner(summary: RunSummary): string[] {
  if (!summary.emergency.length) return [];
  const recorded = summary.emergency.find((e) => e.until !== undefined);
  return [
    `EMERGENCY RELEASE: ${summary.emergency.length} gate(s) skipped by RELEASE_GATES_SKIP, ${expiryNote(recorded?.until)}`,
    ...summary.emergency.map((e) => `  ${e.project}:${e.gate} ${oneLine(e.reason)}`),
  ];
}

/** The table for the terminal and the CI log; reasons and figures may quote tools, so the text is made log-safe. */
export function summaryText(summary: RunSummary): string {
  const banner = emergencyBanner(summary);
  const problems = problemLines(summary.rows);
  return forWorkflowLog([
    ...(banner.length ? [...banner, ''] : []),
    `Release gates: ${summary.status.toUpperCase()}`,
    textTable(summary.rows),
    ...(problems.length ? ['', ...problems] : []),
  ].join('\n'));
}

/** The one table of a run over several crates' dry runs: printed once, by the last dry run or by the post-run hook. */
export function combinedTableText(projects: readonly string[], rows: readonly TableRow[]): string {
  return `Release dry run of ${projects.length} crates (${projects.join(', ')})\n${summaryText(buildSummary([...rows]))}`;
}

/** Markdown for summary.md and the step summary: each banner and problem line stays one line, inside its block. */
export function summaryMarkdown(summary: RunSummary): string {
  const banner = emergencyBanner(summary);
  const problems = problemLines(summary.rows);
  return [
    ...(banner.length ? [`> [!CAUTION]\n> **${banner[0]}**`, ...banner.slice(1).map((l) => `> - ${l.trim()}`), ''] : []),
    `### Release gates: ${summary.status === 'failed' ? '❌ failed' : '✅ passed'}`,
    '',
    markdownTable(summary.rows),
    ...(problems.length ? ['', ...problems.map((p) => `- ${oneLine(p)}`)] : []),
    '',
  ].join('\n');
}

/** `::error::` lines GitHub turns into annotations on the run: the plugin's own workflow commands, escaped. */
export function githubAnnotations(summary: RunSummary): string[] {
  const clean = annotationMessage;
  const lines = summary.rows
    .filter((r) => isFailure(r.status))
    .map((r) => `::error title=${clean(`${r.project}:${r.gate} failed`).replace(/[:,]/g, ' ')}::${clean(r.reason)}`);
  for (const e of summary.emergency) lines.unshift(`::warning title=${`Emergency skip ${e.project} ${e.gate}`.replace(/[:,]/g, ' ')}::${clean(e.reason)}`);
  return lines;
}

/** The runs a summary holds; one written before runs were recorded counts as one run that finished when generated. */
function runsOf(summary: RunSummary): SummaryRun[] {
  return summary.runs ?? [{ startedAt: summary.generatedAt, finishedAt: summary.generatedAt, projects: [...new Set(summary.rows.map((r) => r.project))] }];
}

/**
 * The summary files after this run: its rows, and the rows of the runs the files already hold that were still going
 * when this one started (two release dry runs of different crates at once both end up in the files). Such a run's
 * rows of a project this run also touched give way to this run's; a run that had finished before this one started is
 * an earlier run, and its rows go, as they always did.
 */
export function mergeSummaries(previous: RunSummary | null, current: RunSummary, startedAt: Date): RunSummary {
  const touched = new Set(current.rows.map((r) => r.project));
  const previousRuns = previous ? runsOf(previous) : [];
  const concurrent = previousRuns
    .filter((r) => Date.parse(r.finishedAt) >= startedAt.getTime())
    .map((r) => ({ ...r, projects: r.projects.filter((p) => !touched.has(p)) }))
    .filter((r) => r.projects.length > 0);
  const kept = new Set(concurrent.flatMap((r) => r.projects));
  const merged = buildSummary([...(previous?.rows ?? []).filter((r) => kept.has(r.project)), ...current.rows]);
  const run: SummaryRun = { startedAt: startedAt.toISOString(), finishedAt: current.generatedAt, projects: [...touched].sort() };
  return { ...merged, generatedAt: current.generatedAt, runs: [...concurrent, run] };
}

/**
 * Writes dist/release-gates/summary.{json,md} and junit.xml with this run's rows merged into what concurrent runs
 * wrote (mergeSummaries), under a lock across processes so two runs finishing at once lose nothing. Returns what was
 * written.
 */
export async function writeSummaryFiles(workspaceRoot: string, summary: RunSummary, runStartedAt: Date): Promise<RunSummary> {
  const folder = path.join(workspaceRoot, RESULTS_FOLDER);
  const lock = await waitForLock(`${path.resolve(workspaceRoot)}\0summary`, 'the run summary', () => undefined);
  try {
    const previous = readJsonIfExists<RunSummary>(path.join(folder, 'summary.json'));
    const merged = mergeSummaries(Array.isArray(previous?.rows) ? previous : null, summary, runStartedAt);
    writeFileAtomic(path.join(folder, 'summary.json'), `${JSON.stringify(merged, null, 2)}\n`);
    writeFileAtomic(path.join(folder, 'summary.md'), summaryMarkdown(merged));
    writeFileAtomic(path.join(folder, 'junit.xml'), gatesJunit(merged.rows));
    return merged;
  } finally {
    lock.release();
  }
}

export function appendStepSummary(file: string | undefined, summary: RunSummary): void {
  if (!file) return;
  try {
    fs.appendFileSync(file, `${summaryMarkdown(summary)}\n`);
  } catch {
    // The step summary is a courtesy; the files in dist/release-gates are the record.
  }
}

/**
 * Takes a crate's rows out of the workspace summary (summary.json, .md, junit.xml) before its release-dry-run starts:
 * an interrupted run, or one the outer Nx ends before its hook runs, then leaves no earlier pass of that crate behind.
 * The other runs' rows and times stay as they were (mergeSummaries still tells concurrent runs from earlier ones); a
 * summary that cannot be read is removed, never trusted. Under the summary lock, like every write of these files.
 */
export async function dropProjectRows(workspaceRoot: string, project: string): Promise<void> {
  const folder = path.join(workspaceRoot, RESULTS_FOLDER);
  const file = path.join(folder, 'summary.json');
  if (!fs.existsSync(file)) return;
  const lock = await waitForLock(`${path.resolve(workspaceRoot)}\0summary`, 'the run summary', () => undefined);
  try {
    let previous = readJsonIfExists<RunSummary>(file);
    if (previous && !Array.isArray(previous.rows)) previous = null;
    if (previous && !previous.rows.some((r) => r.project === project)) return;
    const kept = previous ? withoutProject(previous, project) : null;
    if (!kept) {
      for (const name of ['summary.json', 'summary.md', 'junit.xml']) fs.rmSync(path.join(folder, name), { force: true });
      return;
    }
    writeFileAtomic(file, `${JSON.stringify(kept, null, 2)}\n`);
    writeFileAtomic(path.join(folder, 'summary.md'), summaryMarkdown(kept));
    writeFileAtomic(path.join(folder, 'junit.xml'), gatesJunit(kept.rows));
  } finally {
    lock.release();
  }
}

/** The summary without a project's rows, its runs and time kept; null when nothing else is left. */
export function withoutProject(summary: RunSummary, project: string): RunSummary | null {
  const rows = summary.rows.filter((r) => r.project !== project);
  if (!rows.length) return null;
  const runs = runsOf(summary).map((r) => ({ ...r, projects: r.projects.filter((p) => p !== project) })).filter((r) => r.projects.length > 0);
  return { ...buildSummary(rows), generatedAt: summary.generatedAt, runs };
}
