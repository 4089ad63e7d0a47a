// Inference and hashing without running a task: in the workspace it is started in (the current folder), builds the
// project graph (daemon off: from the plugins, as `nx show projects` does), the task graph of one target for every
// project, and hashes every task with Nx's own hashing (hash-task's hashTasks: Nx's task hasher, and the gates'
// custom hasher where an executor declares one), which is what `nx run-many -t <target>` does before its first task.
// Prints one JSON line: { graphMs, taskGraphMs, hashMs, tasks }. Nx's hashing modules are not public API: loaded from
// the workspace's own nx, as the plugin's release-plan does.
const path = require('node:path');
const { performance } = require('node:perf_hooks');

async function main(target) {
  const load = require('node:module').createRequire(path.join(process.cwd(), 'package.json'));
  const started = performance.now();
  const { createProjectGraphAsync } = load('nx/src/project-graph/project-graph');
  const graph = await createProjectGraphAsync({ exitOnError: true });
  const graphDone = performance.now();
  const { createTaskGraph } = load('nx/src/tasks-runner/create-task-graph');
  const { createTaskHasher } = load('nx/src/hasher/create-task-hasher');
  const { hashTasks } = load('nx/src/hasher/hash-task');
  const { getTaskSpecificEnv } = load('nx/src/tasks-runner/task-env');
  const { readNxJson } = load('nx/src/config/nx-json');
  const taskGraph = createTaskGraph(graph, {}, Object.keys(graph.nodes), [target], undefined, {});
  const tasks = Object.values(taskGraph.tasks);
  const envs = Object.fromEntries(tasks.map((t) => [t.id, getTaskSpecificEnv(t, graph)]));
  const taskGraphDone = performance.now();
  await hashTasks(createTaskHasher(graph, readNxJson(process.cwd())), graph, taskGraph, envs, null, tasks);
  const hashed = performance.now();
  if (tasks.some((t) => !t.hash)) throw new Error('a task got no hash');
  console.log(JSON.stringify({ graphMs: graphDone - started, taskGraphMs: taskGraphDone - graphDone, hashMs: hashed - taskGraphDone, tasks: tasks.length }));
}

main(process.argv[2] ?? 'gate-build').then(
  () => process.exit(0),
  (error) => {
    console.error(`hash-tasks: ${error.message}`);
    process.exit(1);
  },
);
