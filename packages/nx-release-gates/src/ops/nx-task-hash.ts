/**
 * Nx's own task hashes for targets of one project, computed the way `nx graph --file` does (Nx 23: the task graph,
 * the task hasher, each task hashed against its own environment), so a hash here is the key Nx would look up in its
 * cache when the task runs. Nx's hashing modules are not public API: they are loaded from the workspace's own nx,
 * and anything that fails to load or answer is a one-line problem, never an exception.
 */
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type { ProjectGraph } from '@nx/devkit';

interface NxHashing {
  createTaskGraph(graph: ProjectGraph, extra: object, projects: string[], targets: string[], configuration: undefined, overrides: object): { tasks: Record<string, NxTask> };
  createTaskHasher(graph: ProjectGraph, nxJson: unknown): unknown;
  /** Nx's own batch hashing: the task hasher, and an executor's custom hasher where it has one; sets `task.hash`. */
  hashTasks(hasher: unknown, graph: ProjectGraph, taskGraph: unknown, envs: Record<string, NodeJS.ProcessEnv>, taskDetails: null, tasks: NxTask[]): Promise<void>;
  getTaskSpecificEnv(task: NxTask, graph: ProjectGraph): NodeJS.ProcessEnv;
  readNxJson(root: string): unknown;
  /** Decides once per process whether to use the daemon; reset() lets it decide again. */
  daemonClient: { enabled(): boolean; reset(): void };
  retrieveWorkspaceFiles(root: string, projectRootMap: Record<string, string>): Promise<{ fileMap: unknown; rustReferences: unknown }>;
  hydrateFileMap(fileMap: unknown, rustReferences: unknown): void;
}

interface NxTask {
  id: string;
  target: { project: string; target: string };
  hash?: string;
}

function loadNxHashing(workspaceRoot: string): NxHashing {
  const load = createRequire(path.join(workspaceRoot, 'package.json'));
  return {
    ...(load('nx/src/tasks-runner/create-task-graph') as Pick<NxHashing, 'createTaskGraph'>),
    ...(load('nx/src/hasher/create-task-hasher') as Pick<NxHashing, 'createTaskHasher'>),
    ...(load('nx/src/hasher/hash-task') as Pick<NxHashing, 'hashTasks'>),
    ...(load('nx/src/tasks-runner/task-env') as Pick<NxHashing, 'getTaskSpecificEnv'>),
    ...(load('nx/src/config/nx-json') as Pick<NxHashing, 'readNxJson'>),
    ...(load('nx/src/daemon/client/client') as Pick<NxHashing, 'daemonClient'>),
    ...(load('nx/src/project-graph/utils/retrieve-workspace-files') as Pick<NxHashing, 'retrieveWorkspaceFiles'>),
    ...(load('nx/src/project-graph/build-project-graph') as Pick<NxHashing, 'hydrateFileMap'>),
  };
}

/**
 * An executor's process hashes without the Nx daemon. A process's first message to the daemon carries its
 * environment, and the daemon compares it with the last one it saw: a task's environment (the plugin hook's
 * variables, Nx's task variables) differs from the terminal's, so the daemon threw its project graph away and
 * restarted every plugin worker, once while this process hashed and once more for the next Nx command (about 0.5 s
 * each, docs/benchmarks.md). The daemon client decides once per process; should anything have asked it already, it
 * asks again.
 */
function leaveTheDaemon(nx: NxHashing): void {
  process.env.NX_DAEMON = 'false';
  if (nx.daemonClient.enabled()) nx.daemonClient.reset();
}

/**
 * Without the daemon Nx hashes in process from the workspace's file map, which only the process that built the
 * project graph holds: an executor's process reads it again for the graph it was given, as Nx does for a cached graph.
 */
async function hydrateFiles(nx: NxHashing, workspaceRoot: string, graph: ProjectGraph): Promise<void> {
  const projectRoots = Object.fromEntries(Object.entries(graph.nodes).map(([name, node]) => [node.data.root, name]));
  const { fileMap, rustReferences } = await nx.retrieveWorkspaceFiles(workspaceRoot, projectRoots);
  nx.hydrateFileMap(fileMap, rustReferences);
}

/** Graphs this process already hydrated for a prediction: release-plan hashes its gates, then the dry run's key, from one graph and one look at the files. */
const prepared = new WeakMap<ProjectGraph, Promise<void>>();

function prepare(nx: NxHashing, workspaceRoot: string, graph: ProjectGraph): Promise<void> {
  let done = prepared.get(graph);
  if (!done) {
    done = (async () => {
      leaveTheDaemon(nx);
      await hydrateFiles(nx, workspaceRoot, graph);
    })();
    // A failure is reported once and asked again by the next caller.
    done.catch(() => prepared.delete(graph));
    prepared.set(graph, done);
  }
  return done;
}

/**
 * Prepares this process to hash `graph`'s tasks itself, with Nx's task hasher and without the daemon. Always reads
 * the workspace's files afresh: a dry run's second run (the trusted re-run) hashes after its gates wrote files.
 */
export async function prepareNxHashing(workspaceRoot: string, graph: ProjectGraph): Promise<void> {
  const nx = loadNxHashing(workspaceRoot);
  leaveTheDaemon(nx);
  await hydrateFiles(nx, workspaceRoot, graph);
}

/** The one line that says Nx's hashing failed. */
function hasherFailed(error: unknown): string {
  return `Nx's task hasher failed: ${((error as Error).message ?? String(error)).split('\n')[0]}`;
}

/** Target name -> Nx task hash for `targets` of `project`, or the one-line reason Nx could not say. */
export async function taskHashes(workspaceRoot: string, graph: ProjectGraph, project: string, targets: readonly string[]): Promise<Record<string, string> | string> {
  try {
    const nx = loadNxHashing(workspaceRoot);
    await prepare(nx, workspaceRoot, graph);
    const taskGraph = nx.createTaskGraph(graph, {}, [project], [...targets], undefined, {});
    const tasks = Object.values(taskGraph.tasks).filter((t) => t.target.project === project);
    const envs = Object.fromEntries(tasks.map((t) => [t.id, nx.getTaskSpecificEnv(t, graph)]));
    await nx.hashTasks(nx.createTaskHasher(graph, nx.readNxJson(workspaceRoot)), graph, taskGraph, envs, null, tasks);
    return Object.fromEntries(tasks.map((t) => [t.target.target, t.hash ?? '']));
  } catch (error) {
    return hasherFailed(error);
  }
}

/** What a custom hasher is handed: Nx's task hasher and the graphs (HasherContext), and the task's environment. */
export interface CustomHasherContext {
  hasher: unknown;
  projectGraph: ProjectGraph;
  taskGraph: unknown;
  projectsConfigurations: { version: number; projects: Record<string, ProjectGraph['nodes'][string]['data']> };
  nxJsonConfiguration: unknown;
  env: NodeJS.ProcessEnv;
}

/**
 * The key `hasher` gives `project`'s `target` task, with Nx's hashing set up as for taskHashes and the task in a task
 * graph of its own (a run of that one target); or the one-line reason Nx could not say. For a custom hasher that must
 * be called without what Nx's call of it does beside hashing.
 */
export async function customTaskKey(
  workspaceRoot: string,
  graph: ProjectGraph,
  project: string,
  target: string,
  hasher: (task: never, context: CustomHasherContext) => Promise<{ value: string }>,
): Promise<{ key: string } | string> {
  try {
    const nx = loadNxHashing(workspaceRoot);
    await prepare(nx, workspaceRoot, graph);
    const taskGraph = nx.createTaskGraph(graph, {}, [project], [target], undefined, {});
    const task = Object.values(taskGraph.tasks).find((t) => t.target.project === project && t.target.target === target);
    if (!task) return `${project} has no ${target} target`;
    const nxJson = nx.readNxJson(workspaceRoot);
    const projects = Object.fromEntries(Object.entries(graph.nodes).map(([name, node]) => [name, node.data]));
    const context = { hasher: nx.createTaskHasher(graph, nxJson), projectGraph: graph, taskGraph, projectsConfigurations: { version: 2, projects }, nxJsonConfiguration: nxJson, env: nx.getTaskSpecificEnv(task, graph) };
    return { key: (await hasher(task as never, context)).value };
  } catch (error) {
    return hasherFailed(error);
  }
}
