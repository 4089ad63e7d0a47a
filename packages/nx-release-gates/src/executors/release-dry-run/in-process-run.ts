/**
 * The dry run's gates, run by Nx's own task runner inside release-dry-run's process, on the project graph Nx handed
 * the executor. Caching, remote replays, dependsOn, parallelism and live output stay Nx's; what goes is a second Nx
 * start (a nested `nx run-many` process re-created the project graph and started the plugins again, which cost about
 * one more `nx show projects`: docs/benchmarks.md). The plugin hooks do not run again either: the gates inherit the
 * variables this run's preTasksExecution exported, and release-dry-run reads Nx's task results directly instead of a
 * record a second postTasksExecution would write.
 *
 * Nx publishes no API for running tasks from a task; `runCommandForTasks` (nx/src/tasks-runner/run-command, the
 * function `nx run-many` itself calls once it has a graph) is reached through the package's `./src/*` export, and the
 * plugin's peer range pins the Nx major it is written against. If it is missing, the dry run fails with one line.
 */
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import type { NxTaskResultFacts } from '../../report/nested-run';
import { prepareNxHashing } from '../../ops/nx-task-hash';

export interface InProcessRunRequest {
  project: string;
  targets: readonly string[];
  outputStyle: 'static' | 'stream';
  parallel?: number;
  skipNxCache?: boolean;
  /** Variables the gates' processes get on top of this process's (undefined: removed for the run). */
  env: Record<string, string | undefined>;
}

export interface InProcessRunOutcome {
  taskResults: Record<string, NxTaskResultFacts>;
  /** false when Nx stopped the run (a signal): Nx's own exit status would be 130. */
  completed: boolean;
  /** The exit status `nx run-many` would have had. */
  exitCode: number;
}

type RunCommandForTasks = (
  projects: unknown[],
  graph: unknown,
  config: { nxJson: unknown },
  nxArgs: Record<string, unknown>,
  overrides: Record<string, unknown>,
  initiatingProject: string | null,
  extraTargetDependencies: Record<string, unknown>,
  extraOptions: { excludeTaskDependencies: boolean; loadDotEnvFiles: boolean },
) => Promise<{ taskResults: Record<string, NxTaskResultFacts>; completed: boolean }>;

export interface NxTaskRunner {
  runCommandForTasks: RunCommandForTasks;
  splitArgs: (args: Record<string, unknown>, mode: string, options: { printWarnings: boolean }, nxJson: unknown) => { nxArgs: Record<string, unknown>; overrides: Record<string, unknown> };
  readNxJson: (root: string) => unknown;
}

/** Nx's functions release-dry-run calls, from the workspace's nx; throws when one is missing. */
function nxFunctions(fromWorkspace: NodeRequire): NxTaskRunner {
  const runner: NxTaskRunner = {
    runCommandForTasks: fromWorkspace('nx/src/tasks-runner/run-command').runCommandForTasks,
    splitArgs: fromWorkspace('nx/src/utils/command-line-utils').splitArgsIntoNxArgsAndOverrides,
    readNxJson: fromWorkspace('nx/src/config/nx-json').readNxJson,
  };
  const needed = [runner.runCommandForTasks, runner.splitArgs, runner.readNxJson];
  if (!needed.every((f) => typeof f === 'function')) throw new Error('missing');
  return runner;
}

/** Nx's task runner, from the workspace's own nx (the copy this process already runs), or why it cannot be used. */
export function loadNxTaskRunner(workspaceRoot: string): NxTaskRunner | string {
  const fromWorkspace = createRequire(path.join(workspaceRoot, 'package.json'));
  try {
    return nxFunctions(fromWorkspace);
  } catch {
    // Reported below, with what to do.
  }
  const version = (() => {
    try {
      return fromWorkspace('nx/package.json').version as string;
    } catch {
      return 'not found';
    }
  })();
  return `the workspace's nx (${version}) has no task runner release-dry-run can call (nx/src/tasks-runner/run-command runCommandForTasks); install nx 23 (the plugin's peer range)`;
}

/**
 * Sets `env` on this process for the length of `run` (Nx's runner gives its task processes this process's
 * variables), then puts every variable back as it was.
 */
async function withEnvironment<T>(env: Record<string, string | undefined>, run: () => Promise<T>): Promise<T> {
  const saved = new Map(Object.keys(env).map((key) => [key, process.env[key]]));
  const set = (key: string, value: string | undefined) => {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  };
  for (const [key, value] of Object.entries(env)) set(key, value);
  try {
    return await run();
  } finally {
    for (const [key, value] of saved) set(key, value);
  }
}

/** Runs `targets` of `project` (and the tasks they depend on) with Nx's task runner, in this process. */
export async function runInProcess(runner: NxTaskRunner, context: ExecutorContext, request: InProcessRunRequest): Promise<InProcessRunOutcome> {
  const graph = context.projectGraph;
  const node = graph?.nodes[request.project];
  if (!graph || !node) throw new Error(`Nx gave release-dry-run no project graph holding ${request.project}`);
  const nxJson = runner.readNxJson(context.root);
  // This process hashes the gates itself, without the daemon (nx-task-hash.ts says why).
  await prepareNxHashing(context.root, graph);
  const args: Record<string, unknown> = {
    targets: [...request.targets],
    projects: [request.project],
    outputStyle: request.outputStyle,
    skipNxCache: request.skipNxCache === true,
    // Sync generators belong to the run the user started, which already checked them.
    skipSync: true,
    ...(request.parallel ? { parallel: request.parallel } : {}),
  };
  const { nxArgs, overrides } = runner.splitArgs(args, 'run-many', { printWarnings: false }, nxJson);
  const { taskResults, completed } = await withEnvironment(request.env, () =>
    runner.runCommandForTasks([node], graph, { nxJson }, nxArgs, overrides, null, {}, { excludeTaskDependencies: false, loadDotEnvFiles: true }),
  );
  const failed = Object.values(taskResults).some((r) => r.status === 'failure' || r.status === 'skipped');
  return { taskResults, completed, exitCode: !completed ? 130 : failed ? 1 : 0 };
}
