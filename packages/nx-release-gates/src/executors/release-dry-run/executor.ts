/**
 * release-dry-run: runs the crate's gates with Nx's own task runner inside this task's process (in-process-run.ts:
 * caching, remote replays, dependsOn and parallelism are Nx's, and no second Nx start is paid), then takes the rows
 * judged against the hashes Nx gave those tasks, prints one table and writes release-dry-run.json. The gates are not
 * this target's `dependsOn`: Nx would skip this target after the first failed gate and print no table, and with the
 * daemon on the postTasksExecution hook runs inside the daemon, where nothing reaches the terminal.
 *
 * Soundness: one release-dry-run of a crate at a time (a second refuses in one line and touches nothing); the
 * previous report and results go before the gates start, so an interrupted or failed run never leaves an old pass;
 * a row comes only from Nx's results for this run's gate tasks (report/nested-run.ts) or, after an interruption, from
 * a result this run wrote (the verdict: model/run-verdict.ts). On SIGINT/SIGTERM Nx's runner ends the gates' process
 * trees, cut-off gates show `interrupted`, and the exit status is 130/143.
 *
 * Trust: with a trusted key (NX_RELEASE_GATES_TRUSTED_KEY), a gate Nx replayed without a trusted run's signature runs
 * again, in a second run with the cache skipped, and its row says so (replay-check.ts).
 *
 * This executor runs only when the whole dry run cannot replay: its key is its gates' keys and the facts the report
 * records (dry-run-hasher.ts); when it matches, Nx restores the report and the gates' outputs instead.
 */
// First: starts the outside-state thread while the rest loads (early-start.ts).
import './early-start';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import type { CrateModel } from '../../model/crate-model';
import { readCrateAt } from '../../ops/read-crates';
import { outsideFileLines } from '../../cache-key/fingerprint';
import { outsideTrees } from '../../cache-key/inputs';
import { interruption, quietRunnerIn, signalExitCode, whenInterrupted } from '../../ops/process';
import { treeState } from '../../ops/git';
import { openUserStream, UserStream } from '../../ops/user-stream';
import { EmergencySkipError, readEmergencySkip } from '../../model/emergency';
import { findGateSpec, GATE_TARGETS, RELEASE_DRY_RUN, RESULTS_FOLDER } from '../../model/catalog';
import { RUN_ID_VARIABLE } from '../../model/freshness';
import { NestedRunRecord, nestedRunRecord } from '../../report/nested-run';
import { mayAwaitSignal, runVerdict, RunVerdict } from '../../model/run-verdict';
import { buildReleaseReport, releaseReportFile } from '../../report/release-report';
import { GateStatus, readGateResult, resultFile, resultFolder } from '../../report/result';
import { trustedKeyFrom } from '../../report/result-signature';
import type { ReleaseReport } from '../../report/release-report';
import type { TableRow } from '../../report/table';
import { buildSummary, dropProjectRows, emergencyBanner, RunSummary, summaryText } from '../../report/summary';
import { writeFileAtomic } from '../../util/files';
import { tryLock } from '../../ops/lock';
import { forWorkflowLog } from '../../util/workflow-text';
import { collectForCombinedTable, showCombinedTable } from './combined-table';
import { loadNxTaskRunner, NxTaskRunner, runInProcess } from './in-process-run';
import { prefetchGateStates } from '../../cache-key/state-hasher';
import { firstFailureStands, gatesToRerun, mergeRerun, rerunReason, untrustedReplays, writtenBy } from './replay-check';

export interface ReleaseDryRunOptions {
  gates?: string[];
  parallel?: number;
}

/**
 * Variables for the gates' run: this run's id, Nx's own settings for the task that runs this executor removed (the
 * gates are tasks of their own), and Nx's terminal UI off (the gates' output streams through this task's).
 */
function gatesEnvironment(runId: string): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { [RUN_ID_VARIABLE]: runId, NX_TUI: 'false' };
  for (const key of Object.keys(process.env)) {
    if (/^NX_(TASK_|TERMINAL_|STREAM_OUTPUT|PREFIX_OUTPUT|FORKED_TASK|SET_CLI|CLI_SET|PSEUDO_TERMINAL)/.test(key)) env[key] = undefined;
  }
  return env;
}

/**
 * Live progress: in a terminal, each gate's output streams as it comes (prefixed with the gate), so a long cargo
 * build is never a silent screen; in CI (CI=true or no terminal) each gate's output stays together, one block per
 * gate, printed when it ends.
 */
function outputStyle(): 'static' | 'stream' {
  return process.env.CI === 'true' || !process.stdout.isTTY ? 'static' : 'stream';
}

/**
 * Removes the previous report and gate results, and the crate's rows from the workspace summary, so nothing left by
 * an earlier run can read as this run's, however early this one is cut off.
 */
async function clearPrevious(root: string, project: string, gates: string[]): Promise<string | null> {
  const folder = path.join(root, resultFolder(project));
  try {
    await dropProjectRows(root, project);
  } catch (error) {
    return `cannot remove ${project}'s rows from ${RESULTS_FOLDER}/summary.json (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); make ${RESULTS_FOLDER} writable and run again; no gate was run`;
  }
  for (const file of [releaseReportFile(root, project), ...gates.map((g) => resultFile(root, project, g))]) {
    try {
      fs.rmSync(file, { force: true });
    } catch (error) {
      return `cannot remove the previous ${path.relative(root, file)} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); make ${path.relative(root, folder)} writable and run again; no gate was run`;
    }
  }
  try {
    fs.mkdirSync(folder, { recursive: true });
    fs.accessSync(folder, fs.constants.W_OK);
  } catch (error) {
    return `cannot write to ${path.relative(root, folder)} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); make it writable and run again; no gate was run`;
  }
  return null;
}

/**
 * Nx ends a task's whole process tree deepest first, so the gates and the nested Nx may be gone a moment before our
 * own signal arrives: wait for it briefly (up to 1 s) when the verdict may hang on it.
 */
async function awaitSignal(exitCode: number, record: NestedRunRecord | null): Promise<NodeJS.Signals | null> {
  if (!mayAwaitSignal({ exitCode, record, received: interruption() })) return interruption();
  for (let i = 0; i < 20 && !interruption(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  return interruption();
}

export default async function releaseDryRun(options: ReleaseDryRunOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  const project = context.projectName!;
  const gates = options.gates ?? [...GATE_TARGETS];
  const refuse = (message: string) => {
    console.error(forWorkflowLog(`✖ ${project}:${RELEASE_DRY_RUN} failed: ${message}`));
    return { success: false };
  };
  const unknown = gates.filter((g) => !findGateSpec(g));
  if (unknown.length) return refuse(`unknown gate(s) ${unknown.join(', ')} in the gates option; use gate-* target names`);
  let emergency;
  try {
    emergency = readEmergencySkip(process.env, GATE_TARGETS);
  } catch (error) {
    if (error instanceof EmergencySkipError) return refuse(`${error.message}; no gate was run`);
    throw error;
  }
  let trustedKey: crypto.KeyObject | null;
  try {
    trustedKey = trustedKeyFrom(process.env, context.root);
  } catch (error) {
    return refuse(`${(error as Error).message}; no gate was run`);
  }
  const lock = tryLock(`${context.root}\0${project}\0${RELEASE_DRY_RUN}`, `${project}:${RELEASE_DRY_RUN}`);
  if (!('release' in lock)) {
    return refuse(`another release-dry-run of ${project} is running (pid ${lock.heldBy.pid}, since ${lock.heldBy.since}); wait for it to finish, nothing was changed`);
  }
  try {
    // The registry, tag and engine answers the gates' keys need start now, while Nx's task runner loads and builds
    // the task graph: the hashing then finds them (state-hasher.ts shares a run's answers) instead of waiting on them.
    prefetchGateStates(gates.map((gate) => context.projectGraph?.nodes[project]?.data.targets?.[gate]));
    const runner = loadNxTaskRunner(context.root);
    if (typeof runner === 'string') return refuse(`${runner}; no gate was run`);
    const problem = await clearPrevious(context.root, project, gates);
    if (problem) return refuse(problem);
    return await dryRun(options, context, { project, gates, emergency, trustedKey, runner });
  } finally {
    lock.release();
  }
}

interface DryRunPlan {
  project: string;
  gates: string[];
  emergency: ReturnType<typeof readEmergencySkip>;
  /** The key replays must be signed with (NX_RELEASE_GATES_TRUSTED_KEY), or null: every replay is trusted. */
  trustedKey: crypto.KeyObject | null;
  /** Nx's task runner, which runs the gates in this process. */
  runner: NxTaskRunner;
}

/** A plan being carried out: when it started, and where the one interruption line goes (and whether it went). */
interface DryRunUnderWay extends DryRunPlan {
  started: Date;
  /**
   * The id every gate of this dry run stamps its result with. One for the whole dry run: Nx's runner gives a task
   * the variables it gave the task of the same name before in this process, so a second run could not carry another.
   */
  runId: string;
  /** Opened at the start: the nx command the user started may be gone when the line has to go out. */
  user: UserStream;
  told: boolean;
}

interface NestedRun {
  runId: string;
  nested: { exitCode: number; stderr: string };
  record: NestedRunRecord | null;
  verdict: RunVerdict<GateStatus, TableRow>;
}

/**
 * One run of `targets` by Nx's task runner in this process (in-process-run.ts), and what it did to `gates` (the dry
 * run's gates: Nx also runs the targets' dependencies, and their rows are this run's too).
 */
async function nestedRun(options: ReleaseDryRunOptions, context: ExecutorContext, run: DryRunUnderWay, targets = run.gates, skipNxCache = false): Promise<NestedRun> {
  const { project, gates, runId } = run;
  const early = whenInterrupted((signal) => {
    recordInterruption({ context, project, gates, runId, started: run.started, emergency: run.emergency, signal, user: run.user });
    run.told = true;
  });
  let nested: NestedRun['nested'];
  let record: NestedRunRecord | null = null;
  try {
    const outcome = await runInProcess(run.runner, context, { project, targets, outputStyle: outputStyle(), parallel: options.parallel, skipNxCache, env: gatesEnvironment(runId) });
    nested = { exitCode: outcome.exitCode, stderr: '' };
    record = nestedRunRecord(context.root, runId, outcome.taskResults);
  } catch (error) {
    // Nx itself failed (a task graph it refused, say): no row may read as a pass.
    nested = { exitCode: 1, stderr: (error as Error).message };
  } finally {
    early();
  }
  const received = await awaitSignal(nested.exitCode, record);
  const verdict = runVerdict({ project, gates, runId, exitCode: nested.exitCode, received, record, resultOf: (gate) => readGateResult(context.root, project, gate) });
  return { runId, nested, record, verdict };
}

/**
 * Gates Nx replayed without a trusted run's signature run again with the cache skipped (with the gates that read
 * their outputs); their rows come from that run and say so. Nothing changes without a trusted key or after a signal.
 */
async function trustedReplaysOnly(options: ReleaseDryRunOptions, context: ExecutorContext, plan: DryRunUnderWay, first: NestedRun): Promise<NestedRun> {
  if (!plan.trustedKey || first.verdict.interruptedBy) return first;
  const untrusted = untrustedReplays(context.root, plan.project, first.verdict.rows.keys(), { runId: first.runId, taskHashes: first.record?.taskHashes }, plan.trustedKey);
  if (untrusted.size === 0) return first;
  const rerun = gatesToRerun(context, plan.project, plan.gates, untrusted);
  for (const gate of rerun) console.log(forWorkflowLog(`↻ ${plan.project}:${gate}: ${rerunReason(untrusted.get(gate))}: running it again without the cache`));
  // The re-run stamps results with this dry run's id too: only a result it writes may carry that id afterwards.
  for (const gate of rerun) fs.rmSync(resultFile(context.root, plan.project, gate), { force: true });
  const second = await nestedRun(options, context, plan, rerun, true);
  const rows = mergeRerun(first.verdict.rows, second.verdict.rows, { gates: rerun, untrusted, resultIsTheRerun: writtenBy(context.root, plan.project, second.runId), notRun: second.verdict.notRun });
  const firstStands = firstFailureStands(first.verdict, rerun);
  const verdict = { ...second.verdict, rows, nxFailed: firstStands || second.verdict.nxFailed };
  return { ...second, nested: firstStands ? first.nested : second.nested, verdict };
}

/** The report's file lines for parity, or none when a file cannot be read (the report is still written). */
function reportFileLines(workspaceRoot: string, crate: CrateModel): string[] | undefined {
  try {
    return outsideFileLines({ workspaceRoot, crateRoot: crate.root, trees: outsideTrees(crate), env: process.env });
  } catch {
    return undefined;
  }
}

async function dryRun(options: ReleaseDryRunOptions, context: ExecutorContext, plan: DryRunPlan): Promise<{ success: boolean }> {
  const { project, gates, emergency } = plan;
  const started = new Date();
  const run: DryRunUnderWay = { ...plan, started, runId: crypto.randomUUID(), user: openUserStream(), told: false };
  const { nested, verdict } = await trustedReplaysOnly(options, context, run, await nestedRun(options, context, run));
  const user = run.user;
  const signal = verdict.interruptedBy;

  const root = context.projectsConfigurations?.projects[project]?.root ?? '.';
  const crate = await readCrateAt(root, context.root).catch(() => null);
  const report = buildReleaseReport({
    workspaceRoot: context.root,
    project,
    gates,
    startedAt: started,
    rows: verdict.rows,
    missing: verdict.notRun,
    git: signal ? { commit: null, clean: null } : await treeState(quietRunnerIn(context.root)),
    lockfile: crate?.lockfile ?? null,
    emergency,
    env: process.env,
    // Files only: the toolchain comes from the gates' results (asking rustc and cargo again cost every dry run processes).
    outsideFileLines: crate ? reportFileLines(context.root, crate) : undefined,
  });
  report.interruptedBy = signal;
  // Nx's hash of this task: a later run that replays this dry run whole is the same task (replayed-report.ts).
  report.run = { taskHash: process.env.NX_TASK_HASH ?? null, runId: run.runId };
  if (verdict.nxFailed && report.status !== 'failed') {
    // Nx itself failed, not a gate: never report a pass.
    report.status = 'failed';
    report.problems.push(`Nx's run of the gates ended with status ${nested.exitCode}${nested.stderr ? `: ${nested.stderr.trim().split('\n').pop()}` : ''}`);
  }
  const file = releaseReportFile(context.root, project);
  try {
    writeFileAtomic(file, `${JSON.stringify(report, null, 2)}\n`);
  } catch (error) {
    report.status = 'failed';
    report.problems.push(`✖ ${project}:${RELEASE_DRY_RUN}: cannot write ${path.relative(context.root, file)} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); make ${RESULTS_FOLDER} writable and run again`);
  }

  // The report's status also counts a failed nested Nx run, which no row shows.
  const summary: RunSummary = { ...buildSummary(report.rows), status: report.status };
  console.log(forWorkflowLog(`\nRelease dry run of ${project} ${report.version}${emergencyBanner(summary).length ? ' (EMERGENCY)' : ''}`));
  console.log(summaryText(summary));
  // Problems quote Nx's own stderr: log-safe like the table (summaryText is already).
  for (const problem of report.problems) console.log(forWorkflowLog(problem));
  for (const row of report.rows) if (row.replayTrust) console.log(forWorkflowLog(`↻ ${project}:${row.gate}: ${row.replayTrust}`));
  console.log(`\nReport: ${path.relative(context.root, file)}`);
  if (signal) {
    // The line went out when the signal came (recordInterruption), unless it came once the nested run had ended (Nx
    // ends a task's tree deepest first) or the nested run alone saw it. Nx shows no output of a stopped task.
    if (!run.told) user.write(interruptedLine(project, signal, report));
    user.close();
    process.exit(signalExitCode(signal));
  }
  user.close();
  const combined = collectForCombinedTable(context, RELEASE_DRY_RUN, project, report.rows.length ? report.rows : []);
  if (combined) showCombinedTable(combined);
  return { success: report.status !== 'failed' };
}

/** The one line that says what an interruption cut off. */
function interruptedLine(project: string, signal: NodeJS.Signals, report: Pick<ReleaseReport, 'rows'>): string {
  const open = report.rows.filter((r) => r.status === 'interrupted');
  const finished = report.rows.filter((r) => r.status !== 'interrupted').map((r) => r.gate);
  return `✖ ${project}:${RELEASE_DRY_RUN} interrupted by ${signal}: ${open.map((r) => r.gate).join(', ') || 'no gate'} not finished${finished.length ? ` (finished: ${finished.join(', ')})` : ''}`;
}

interface EarlyFacts {
  context: ExecutorContext;
  project: string;
  gates: string[];
  runId: string;
  started: Date;
  emergency: ReturnType<typeof readEmergencySkip>;
  signal: NodeJS.Signals;
  /** Where the one line goes: Nx silences its own output on SIGINT, this process's included. */
  user: UserStream;
}

/**
 * Synchronously, the moment the signal comes: an `interrupted` release-dry-run.json from the results this run has
 * written so far, and the one line, straight to the user's stream. A terminal's Ctrl-C also reaches the outer Nx,
 * which then prints nothing more and may end this process before the nested run returns; when it does not, the
 * report is refined (and rewritten) once the nested run has ended.
 */
function recordInterruption(facts: EarlyFacts): void {
  const { context, project, gates, signal } = facts;
  const verdict = runVerdict<GateStatus, TableRow>({ project, gates, runId: facts.runId, exitCode: signalExitCode(signal), received: signal, record: null, resultOf: (gate) => readGateResult(context.root, project, gate) });
  const report = buildReleaseReport({
    workspaceRoot: context.root,
    project,
    gates,
    startedAt: facts.started,
    rows: verdict.rows,
    missing: { status: 'interrupted', reason: `not finished: ${signal} interrupted the dry run before this gate ended` },
    git: { commit: null, clean: null },
    lockfile: null,
    emergency: facts.emergency,
    env: process.env,
  });
  report.interruptedBy = signal;
  report.status = 'failed';
  try {
    writeFileAtomic(releaseReportFile(context.root, project), `${JSON.stringify(report, null, 2)}\n`);
  } catch {
    // The refined report retries the write; the line must go out regardless.
  }
  facts.user.write(interruptedLine(project, signal, report));
}
