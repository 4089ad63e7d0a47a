/**
 * release-dry-run: runs the crate's gates through a nested Nx run (so caching, dependsOn and parallelism are Nx's),
 * then reads every result file, prints one table and writes release-dry-run.json. The nested run is what makes the
 * table print when gates fail: with `dependsOn`, Nx would skip this target after the first failed gate, which is the
 * original script's defect (set -e ended it before its summary).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { runCommand } from '../../cargo/run-command';
import { findGate } from '../../gates/registry';
import { readGateResult, resultFile, resultFolder } from '../../report/result';
import { buildReleaseReport, ReleaseReport } from '../../report/release-report';
import { problemLines, textTable } from '../../report/table';
import { writeFileAtomic } from '../../util/files';

export interface ReleaseDryRunOptions {
  gates?: string[];
  parallel?: number;
}

/** Variables Nx sets for the task that runs this executor; the nested Nx must not inherit them. */
function nestedEnvironment(): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {};
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

export default async function releaseDryRun(options: ReleaseDryRunOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  const project = context.projectName!;
  const gates = options.gates ?? [];
  const unknown = gates.filter((g) => !findGate(g));
  if (unknown.length) {
    console.error(`${project}:release-dry-run: unknown gate(s) ${unknown.join(', ')} in the gates option; remove them or use gate-* target names`);
    return { success: false };
  }
  const started = new Date();
  for (const gate of gates) fs.rmSync(resultFile(context.root, project, gate), { force: true });

  const nx = nxCli(context.root);
  const args = [nx, 'run-many', `--targets=${gates.join(',')}`, `--projects=${project}`, '--outputStyle=static'];
  if (options.parallel) args.push(`--parallel=${options.parallel}`);
  const nested = await runCommand(process.execPath, args, { cwd: context.root, env: nestedEnvironment(), live: 'all' });

  const report: ReleaseReport = await buildReleaseReport({
    workspaceRoot: context.root,
    project,
    gates,
    startedAt: started,
    results: gates.map((g) => readGateResult(context.root, project, g)),
  });
  if (nested.exitCode !== 0 && report.status !== 'failed') {
    // Nx itself failed (not a gate): never report a pass.
    report.status = 'failed';
    report.problems.push(`nested Nx run exited with ${nested.exitCode}: ${nested.stderr.trim().split('\n').pop() ?? ''}`);
  }
  const file = path.join(context.root, resultFolder(project), 'release-dry-run.json');
  writeFileAtomic(file, `${JSON.stringify(report, null, 2)}\n`);

  console.log(`\nRelease dry run of ${project} ${report.version}: ${report.status.toUpperCase()}\n`);
  console.log(textTable(report.rows));
  const problems = [...problemLines(report.rows), ...report.problems];
  if (problems.length) console.log(`\n${problems.join('\n')}`);
  console.log(`\nReport: ${path.relative(context.root, file)}`);
  return { success: report.status !== 'failed' };
}
