// The goal of a warm dry run: at most 1.5x one Nx start on the same workspace. Side by side in one run, alternating:
// the floor (`nx show projects`), warm `release-dry-run` daemon off and on, on the example crate and the benchmark
// crate, every gate on both; ratios pair by pair (a dry run over the floor measured next to it, same mode). Beside
// them, `nx run` of a target that does nothing: what any task run costs in that workspace before a gate runs (Nx's
// task runner and the plugin's preTasksExecution and postTasksExecution hooks). With the daemon on, Nx runs a plugin's
// hooks in a worker process of its own (plugin isolation, Nx's default), which it shuts down after a run's last hook
// and starts again for the next run's first: the same three are measured once more with plugins in the daemon's own
// process (NX_ISOLATE_PLUGINS=false, a daemon of its own), and two workspaces without a crate show what Nx charges any
// plugin with a task hook: an idle task with no plugin, and with a plugin that is nothing but an empty
// postTasksExecution hook.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXAMPLE } from '../lib/paths.mjs';
import { goal } from '../lib/report.mjs';
import { PROJECT, textlabWorkspace } from '../lib/textlab.mjs';
import { copyTree, log, median, ratioCell, secs, summary, timeCell } from '../lib/util.mjs';

const OFF = {};
const ON = { NX_DAEMON: 'true' };
/** The daemon with plugins loaded in its own process: no worker to start for a run's hooks. */
const IN_PROCESS = { NX_DAEMON: 'true', NX_ISOLATE_PLUGINS: 'false' };

/** A project of its own, not a crate, whose one target does nothing (`nx:noop`, which Nx runs in its own process). */
const IDLE_PROJECT = 'idle-probe';
function writeIdleProject(root) {
  const dir = path.join(root, 'tools', IDLE_PROJECT);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'project.json'), `${JSON.stringify({ name: IDLE_PROJECT, targets: { nothing: { executor: 'nx:noop', cache: false } } }, null, 2)}\n`);
}

/** A plugin that is nothing but an empty postTasksExecution hook: what Nx itself charges a run for a task hook. */
const HOOK_ONLY_PLUGIN = 'tools/hook-only/index.js';
function writeHookOnlyWorkspace(root) {
  writeIdleProject(root);
  const file = path.join(root, HOOK_ONLY_PLUGIN);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, "// Nothing but an empty postTasksExecution hook.\nexports.name = 'hook-only';\nexports.postTasksExecution = async () => {};\n");
}

/** The floor and the idle task, daemon on, in a workspace with no plugin and one with the hook-only plugin, in alternation. */
function measureHookCost(ctx) {
  const workspaces = [
    { key: 'none', ws: ctx.workspace('nx-alone', { files: writeIdleProject, nxJson: { plugins: [] } }) },
    { key: 'hook', ws: ctx.workspace('hook-only', { files: writeHookOnlyWorkspace, nxJson: { plugins: [`./${HOOK_ONLY_PLUGIN}`] } }) },
  ];
  const floor = (ws, label) => ws.nx(['show', 'projects'], { env: ON, label });
  const idle = (ws, label) => ws.nx(['run', `${IDLE_PROJECT}:nothing`], { env: ON, label });
  log('floor: Nx alone and a hook-only plugin: start the daemons (not timed)');
  for (const { key, ws } of workspaces) {
    floor(ws, `floor ${key} daemon warm-up`);
    idle(ws, `idle task ${key} daemon warm-up`);
  }
  const times = { none: { floor: [], idle: [] }, hook: { floor: [], idle: [] } };
  const ratios = { none: [], hook: [] };
  for (let round = 1; round <= ctx.o.runs; round++) {
    const line = [];
    for (const { key, ws } of workspaces) {
      const f = floor(ws, `floor ${key} daemon on`);
      const i = idle(ws, `idle task ${key} daemon on`);
      times[key].floor.push(f.ms);
      times[key].idle.push(i.ms);
      ratios[key].push(i.ms / f.ms);
      line.push(`${key}: floor ${secs(f.ms)} / idle task ${secs(i.ms)}`);
    }
    log(`floor round ${round}/${ctx.o.runs} hook cost: ${line.join(', ')}`);
  }
  for (const { ws } of workspaces) ws.stopDaemon();
  const label = { none: 'Nx alone (no crate, no plugin)', hook: 'Nx with one plugin that is nothing but an empty postTasksExecution hook (no crate)' };
  const rows = workspaces.flatMap(({ key }) => [
    [`${label[key]}: \`nx show projects\`, daemon on (floor)`, timeCell(summary(times[key].floor)), '1×'],
    [`${label[key]}: \`nx run\` of a target that does nothing, daemon on`, timeCell(summary(times[key].idle)), ratioCell(ratios[key])],
  ]);
  return { rows, data: { times, ratios } };
}

/** The floor and the warm dry run of one crate, daemon off and on, in alternation; then with plugins in the daemon's process. */
function measure(ctx, ws, project) {
  const dryRun = (env, tag) => ws.dryRun(project, { env, label: `warm ${project} ${tag}` });
  const floor = (env, tag) => ws.nx(['show', 'projects'], { allowFailure: true, env, label: `floor ${project} ${tag}` });
  const idle = (env, tag) => ws.nx(['run', `${IDLE_PROJECT}:nothing`], { env, label: `idle task ${project} ${tag}` });
  log(`floor: ${project}: fill the cache, start the daemon (not timed)`);
  dryRun(OFF, 'fill');
  dryRun(OFF, 'fill');
  dryRun(ON, 'daemon warm-up');
  floor(ON, 'daemon warm-up');
  const times = { floorOff: [], off: [], idleOff: [], floorOn: [], on: [], idleOn: [] };
  const ratios = { off: [], on: [], idleOff: [], idleOn: [] };
  // Each mode's floor, dry run and idle task in a row; the dry run's key is the mode's (`off`, `on`).
  const modes = [
    { name: 'Off', key: 'off', env: OFF, tag: 'daemon off' },
    { name: 'On', key: 'on', env: ON, tag: 'daemon on' },
  ];
  for (let round = 1; round <= ctx.o.runs; round++) {
    const line = [];
    for (const { name, key, env, tag } of modes) {
      const f = floor(env, tag);
      const d = dryRun(env, tag);
      const i = idle(env, tag);
      times[`floor${name}`].push(f.ms);
      times[key].push(d.ms);
      times[`idle${name}`].push(i.ms);
      ratios[key].push(d.ms / f.ms);
      ratios[`idle${name}`].push(i.ms / f.ms);
      line.push(`floor ${secs(f.ms)} / dry run ${secs(d.ms)} / idle task ${secs(i.ms)} (${tag})`);
    }
    log(`floor round ${round}/${ctx.o.runs} ${project}: ${line.join(', ')}`);
  }
  ws.stopDaemon();
  // The daemon started again with plugins in its own process: a mode of its own, measured after the others (one
  // daemon cannot serve both: a client whose variables differ makes it restart its plugins).
  dryRun(IN_PROCESS, 'daemon warm-up, plugins in its process');
  floor(IN_PROCESS, 'daemon warm-up, plugins in its process');
  Object.assign(times, { floorInProcess: [], inProcess: [], idleInProcess: [] });
  Object.assign(ratios, { inProcess: [], idleInProcess: [] });
  for (let round = 1; round <= ctx.o.runs; round++) {
    const tag = 'daemon on, plugins in its process';
    const f = floor(IN_PROCESS, tag);
    const d = dryRun(IN_PROCESS, tag);
    const i = idle(IN_PROCESS, tag);
    times.floorInProcess.push(f.ms);
    times.inProcess.push(d.ms);
    times.idleInProcess.push(i.ms);
    ratios.inProcess.push(d.ms / f.ms);
    ratios.idleInProcess.push(i.ms / f.ms);
    log(`floor round ${round}/${ctx.o.runs} ${project}: floor ${secs(f.ms)} / dry run ${secs(d.ms)} / idle task ${secs(i.ms)} (${tag})`);
  }
  ws.stopDaemon();
  return { times, ratios };
}

function run(ctx) {
  const example = ctx.workspace('example', {
    files: (root) => {
      copyTree(EXAMPLE, path.join(root, 'release-gates-demo'));
      writeIdleProject(root);
    },
  });
  const crates = [
    { label: 'example crate (release-gates-demo, every gate)', ws: example, project: 'release-gates-demo' },
    // A workspace of its own: the other benchmarks run the script's gates only.
    { label: 'benchmark crate (textlab, every gate)', ws: textlabWorkspace(ctx, 'floor-every-gate', 'shared', { everyGate: true, files: writeIdleProject }), project: PROJECT },
  ];
  const rows = [];
  const goals = [];
  const data = {};
  for (const { label, ws, project } of crates) {
    const { times, ratios } = measure(ctx, ws, project);
    rows.push(
      [`${label}: \`nx show projects\`, daemon off (floor)`, timeCell(summary(times.floorOff)), '1×'],
      [`${label}: warm release-dry-run, daemon off`, timeCell(summary(times.off)), ratioCell(ratios.off)],
      [`${label}: \`nx run\` of a target that does nothing, daemon off`, timeCell(summary(times.idleOff)), ratioCell(ratios.idleOff)],
      [`${label}: \`nx show projects\`, daemon on (floor)`, timeCell(summary(times.floorOn)), '1×'],
      [`${label}: warm release-dry-run, daemon on`, timeCell(summary(times.on)), ratioCell(ratios.on)],
      [`${label}: \`nx run\` of a target that does nothing, daemon on`, timeCell(summary(times.idleOn)), ratioCell(ratios.idleOn)],
      [`${label}: \`nx show projects\`, daemon on, NX_ISOLATE_PLUGINS=false (floor)`, timeCell(summary(times.floorInProcess)), '1×'],
      [`${label}: warm release-dry-run, daemon on, NX_ISOLATE_PLUGINS=false`, timeCell(summary(times.inProcess)), ratioCell(ratios.inProcess)],
      [`${label}: \`nx run\` of a target that does nothing, daemon on, NX_ISOLATE_PLUGINS=false`, timeCell(summary(times.idleInProcess)), ratioCell(ratios.idleInProcess)],
    );
    goals.push(
      goal(`warm: ${project} release-dry-run ≤ 1.5× one Nx start (daemon off)`, ratioCell(ratios.off), median(ratios.off) <= 1.5),
      goal(`warm: ${project} release-dry-run ≤ 1.5× one Nx start (daemon on)`, ratioCell(ratios.on), median(ratios.on) <= 1.5),
    );
    data[project] = { times, ratios };
  }
  const hookCost = measureHookCost(ctx);
  rows.push(...hookCost.rows);
  data.hookCost = hookCost.data;
  return { name: 'Warm release-dry-run against one Nx start (the floor)', header: ['variant', 'time: median (min–max)', 'variant ÷ floor (pairwise)'], rows, goals, data };
}

export default {
  name: 'floor',
  description: 'warm release-dry-run against one Nx start (`nx show projects`), daemon off and on',
  run,
};
