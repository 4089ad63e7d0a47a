/**
 * release-dry-run: runs the crate's gates through a nested Nx run (so caching, dependsOn and parallelism are Nx's),
 * then reads every result file, prints one table and writes release-dry-run.json. The nested run is what makes the
 * table print when gates fail, with the Nx daemon on or off: with `dependsOn`, Nx would skip this target after the
 * first failed gate, which is the original script's defect (set -e ended it before its summary). The cost is one
 * more Nx start-up (measured in docs/benchmarks.md).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { readCrateAt } from '../../cargo/read-crates';
import { runCommand } from '../../cargo/run-command';
import { EmergencySkipError, readEmergencySkip } from '../../gates/emergency';
import { findGate, GATE_TARGETS } from '../../gates/registry';
import { NESTED_RUN_VARIABLE } from '../../plugin/post-tasks-execution';
import { buildReleaseReport, releaseReportFile } from '../../report/release-report';
import { resultFile } from '../../report/result';
import { buildSummary, emergencyBanner, RunSummary, summaryText } from '../../report/summary';
import { readJsonIfExists, writeFileAtomic } from '../../util/files';
import { forWorkflowLog } from '../../util/workflow-text';

export interface ReleaseDryRunOptions {
  gates?: string[];
  parallel?: number;
}

/** Variables Nx sets for the task that runs this executor; the nested Nx must not inherit them. */
function nestedEnvironment(): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { [NESTED_RUN_VARIABLE]: '1' };
  for (const key of Object.keys(process.env)) {
    if (/^NX_(TASK_|TERMINAL_|STREAM_OUTPUT|PREFIX_OUTPUT|FORKED_TASK|SET_CLI|CLI_SET|PSEUDO_TERMINAL)/.test(key)) env[key] = undefined;
  }
  return env;
}

/** The workspace's own nx CLI script (package.json `bin`), run with this Node. */
function nxCli(workspaceRoot: string): string {
  const manifest = require.resolve('nx/package.json', { paths: [workspaceRoot] });
  return path.join(path.dirname(manifest), JSON.parse(fs.readFileSync(manifest, 'utf8')).bin.nx);
}

async function gitState(cwd: string): Promise<{ commit: string | null; clean: boolean | null }> {
  const head = await runCommand('git', ['rev-parse', 'HEAD'], { cwd, live: 'none' });
  if (head.exitCode !== 0) return { commit: null, clean: null };
  const status = await runCommand('git', ['status', '--porcelain', '--untracked-files=no'], { cwd, live: 'none' });
  return { commit: head.stdout.trim(), clean: status.exitCode === 0 ? status.stdout.trim() === '' : null };
}

/** Sources (ran / local cache / remote cache) from the summary the nested run's hook wrote, when it is this run's. */
function nestedSources(workspaceRoot: string, project: string, since: Date): Map<string, string> {
  const summary = readJsonIfExists<RunSummary>(path.join(workspaceRoot, 'dist', 'release-gates', 'summary.json'));
  const sources = new Map<string, string>();
  if (!summary || Date.parse(summary.generatedAt) < since.getTime()) return sources;
  for (const row of summary.rows) if (row.project === project) sources.set(row.gate, row.source);
  return sources;
}

export default async function releaseDryRun(options: ReleaseDryRunOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  const project = context.projectName!;
  const gates = options.gates ?? [...GATE_TARGETS];
  const refuse = (message: string) => {
    console.error(forWorkflowLog(`${project}:release-dry-run: ${message}`));
    return { success: false };
  };
  const unknown = gates.filter((g) => !findGate(g));
  if (unknown.length) return refuse(`unknown gate(s) ${unknown.join(', ')} in the gates option; use gate-* target names`);
  let emergency;
  try {
    emergency = readEmergencySkip(process.env, GATE_TARGETS);
  } catch (error) {
    if (error instanceof EmergencySkipError) return refuse(`${error.message}; no gate was run`);
    throw error;
  }

  const started = new Date();
  for (const gate of gates) fs.rmSync(resultFile(context.root, project, gate), { force: true });
  const args = [nxCli(context.root), 'run-many', `--targets=${gates.join(',')}`, `--projects=${project}`, '--outputStyle=static'];
  if (options.parallel) args.push(`--parallel=${options.parallel}`);
  const nested = await runCommand(process.execPath, args, { cwd: context.root, env: nestedEnvironment(), live: 'all' });

  const root = context.projectsConfigurations?.projects[project]?.root ?? '.';
  const crate = await readCrateAt(root, context.root).catch(() => null);
  const report = buildReleaseReport({
    workspaceRoot: context.root,
    project,
    gates,
    startedAt: started,
    sources: nestedSources(context.root, project, started),
    git: await gitState(context.root),
    lockfile: crate?.lockfile ?? null,
    emergency,
    env: process.env,
  });
  if (nested.exitCode !== 0 && report.status !== 'failed') {
    // Nx itself failed, not a gate: never report a pass.
    report.status = 'failed';
    report.problems.push(`the nested Nx run exited with ${nested.exitCode}: ${nested.stderr.trim().split('\n').pop() ?? ''}`);
  }
  const file = releaseReportFile(context.root, project);
  writeFileAtomic(file, `${JSON.stringify(report, null, 2)}\n`);

  // The report's status also counts a failed nested Nx run, which no row shows.
  const summary: RunSummary = { ...buildSummary(report.rows), status: report.status };
  console.log(forWorkflowLog(`\nRelease dry run of ${project} ${report.version}${emergencyBanner(summary).length ? ' (EMERGENCY)' : ''}`));
  console.log(summaryText(summary));
  // Problems quote Nx's own stderr: log-safe like the table (summaryText is already).
  for (const problem of report.problems) console.log(forWorkflowLog(problem));
  console.log(`\nReport: ${path.relative(context.root, file)}`);
  return { success: report.status !== 'failed' };
}
