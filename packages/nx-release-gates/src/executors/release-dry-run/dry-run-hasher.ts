/**
 * release-dry-run's cache key (executors.json `hasher`), so that a dry run whose gates would all replay replays whole:
 * Nx restores the report and every gate's outputs in its own process, and no executor process starts. What the key
 * holds and when it is refused is cache-key/dry-run-key.ts; here the facts are gathered:
 * - each gate's key exactly as a gate's own task gets it (cache-key/state-hasher.ts: Nx's hash of its inputs, the
 *   fingerprint check, the registry, tag and engine state it reads), for the gates of the task graph Nx would build
 *   for the dry run's gates (their dependsOn included);
 * - Nx's hash of the dry run's own target (executor, options, the lockfile), git's commit and tree state, and the
 *   fingerprinted variables the report records.
 * A refused replay gets a key no other run gives and the task is not cached: the executor runs, and Nx neither looks
 * up nor stores an entry for it. Nx's call also takes the crate's previous rows out of the run summary
 * (dropPreviousRows).
 */
import * as crypto from 'node:crypto';
import { workspaceRoot } from 'nx/src/utils/workspace-root';
import { createTaskGraph } from 'nx/src/tasks-runner/create-task-graph';
import { getGraphTimeDotEnvForTask } from 'nx/src/tasks-runner/task-env';
import { isDaemonEnabled } from 'nx/src/daemon/client/client';
import type { CustomHasher, HasherContext, Task } from '@nx/devkit';
import { sha256 } from '../../util/hash';
import { declaredInputsHash, hashWithState, workspaceReadsAfter } from '../../cache-key/state-hasher';
import { DRY_RUN_GATES, dryRunKeyLines, outputsNotCovered, whyDryRunRuns } from '../../cache-key/dry-run-key';
import { hashedEnvironment } from '../../report/fingerprint';
import { dropProjectRows } from '../../report/summary';
import { treeState } from '../../ops/git';
import { GATE_TARGETS } from '../../model/catalog';
import { quietRunnerIn } from '../../ops/process';

type NxHash = Awaited<ReturnType<CustomHasher>>;
type Context = HasherContext & { env?: NodeJS.ProcessEnv };

/**
 * The crate's rows leave the run summary as soon as the dry run is hashed: whatever comes next (a run, a replay, or
 * Nx failing before either, as Nx 23.2.1 does when a remote cache errs), no earlier row can read as this run's; the
 * post-run hook writes this run's. The report itself stays until Nx restores or the executor replaces it: it is one of
 * the task's outputs, and with the daemon on Nx may take a file removed a moment before for one still in place and
 * restore nothing. A report readers take as this run's carries this task's hash or was started during it.
 */
async function dropPreviousRows(root: string, project: string): Promise<void> {
  await dropProjectRows(root, project).catch(() => undefined);
}

/**
 * A dry run that must run: a key no run gives again, and the task not cached. Nx reads and writes the cache only for
 * a task whose `cache` is true (its own copy of the target's setting): off, no entry is stored under a key no run will
 * ask for again (with every gate's outputs, binaries included, uploaded to a remote cache on every such run).
 */
function neverReplayed(task: Task, why: string): NxHash {
  (task as { cache?: boolean }).cache = false;
  return { value: sha256(`never replayed ${crypto.randomUUID()}`), details: { command: '', nodes: {}, runtime: { 'release-dry-run replays whole': `no: ${why}` } } };
}

export async function hashDryRun(task: Task, context: Context, root: string): Promise<NxHash> {
  const env = context.env ?? process.env;
  const project = task.target.project;
  const target = context.projectsConfigurations.projects[project]?.targets?.[task.target.target];
  const gates = (task.overrides as Record<string, unknown> | undefined)?.gates ?? target?.options?.gates;
  const dryRunsInRun = Object.values(context.taskGraph?.tasks ?? {}).filter((t) => t.target.target === task.target.target).length;
  const daemon = isDaemonEnabled();
  const byRule = whyDryRunRuns({ gates, declaredGates: (target?.metadata as Record<string, unknown> | undefined)?.[DRY_RUN_GATES], env, dryRunsInRun, daemon });
  if (byRule) return neverReplayed(task, byRule);
  const gateGraph = createTaskGraph(context.projectGraph, {}, [project], (gates as string[] | undefined) ?? [...GATE_TARGETS], undefined, {});
  const gateTasks = Object.values(gateGraph.tasks);
  const byOutputs = outputsNotCovered(gateTasks.map((t) => [t.id, t.outputs ?? []] as const), task.outputs ?? []);
  if (byOutputs) return neverReplayed(task, byOutputs);
  // Each gate is hashed with the variables its task gets when the dry run runs it: the dry run's own, without the
  // workspace's root .env files, with the gate's (.env.gate-build, <crate>/.env, ...), as Nx's runner gives them. A
  // variable only a gate's .env file sets would otherwise be in no key the whole replay checks.
  const gateContexts = gateTasks.map((gateTask) => ({
    ...context,
    taskGraph: gateGraph,
    env: getGraphTimeDotEnvForTask(gateTask.projectRoot ?? '', gateTask.target.target, gateTask.target.configuration, undefined, env),
  }));
  // Nx's hashes first (the dry run's target and each gate's declared inputs, in one batch): with the daemon on, git
  // and the probes that read the workspace wait for them (workspaceReadsAfter).
  const ownHash = context.hasher.hashTask(task, context.taskGraph, env);
  const declared = gateTasks.map((gateTask, i) => declaredInputsHash(gateContexts[i], gateTask));
  const readsAfter = workspaceReadsAfter([ownHash, ...declared], daemon);
  const [own, git, ...gateHashes] = await Promise.all([
    ownHash,
    readsAfter ? readsAfter.then(() => treeState(quietRunnerIn(root))) : treeState(quietRunnerIn(root)),
    ...gateTasks.map((gateTask, i) => hashWithState(gateTask, gateContexts[i], root, { base: declared[i], readsAfter })),
  ]);
  const lines = dryRunKeyLines({ own: own.value, gates: gateTasks.map((t, i) => [t.id, gateHashes[i].value] as const), git, environment: hashedEnvironment(env) });
  const runtime = { ...(own.details.runtime ?? {}), 'release-dry-run key': lines.slice(1).join('\n') };
  return { value: sha256(lines.join('\n')), details: { ...own.details, runtime } };
}

/** The custom hasher of the release-dry-run executor (executors.json `hasher`). */
export const dryRunHasher: CustomHasher = async (task, context) => {
  await dropPreviousRows(workspaceRoot, task.target.project);
  return hashDryRun(task, context, workspaceRoot);
};
