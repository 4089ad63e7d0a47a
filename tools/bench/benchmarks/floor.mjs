// The goal of a warm dry run: at most 1.5x one Nx start on the same workspace. Side by side in one run, alternating:
// the floor (`nx show projects`), warm `release-dry-run` daemon off and on, on the example crate and the benchmark
// crate, every gate on both; ratios pair by pair (a dry run over the floor measured next to it, same mode). Beside
// them, `nx run` of a target that does nothing: what any task run costs in that workspace before a gate runs (Nx's
// task runner and the plugin's preTasksExecution and postTasksExecution hooks).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXAMPLE } from '../lib/paths.mjs';
import { goal } from '../lib/report.mjs';
import { PROJECT, textlabWorkspace } from '../lib/textlab.mjs';
import { copyTree, log, median, ratioCell, secs, summary, timeCell } from '../lib/util.mjs';

const OFF = {};
const ON = { NX_DAEMON: 'true' };

/** A project of its own, not a crate, whose one target does nothing (`nx:noop`, which Nx runs in its own process). */
const IDLE_PROJECT = 'idle-probe';
function writeIdleProject(root) {
  const dir = path.join(root, 'tools', IDLE_PROJECT);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'project.json'), `${JSON.stringify({ name: IDLE_PROJECT, targets: { nothing: { executor: 'nx:noop', cache: false } } }, null, 2)}\n`);
}

/** The floor and the warm dry run of one crate, daemon off and on, in alternation. */
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
    );
    goals.push(
      goal(`warm: ${project} release-dry-run ≤ 1.5× one Nx start (daemon off)`, ratioCell(ratios.off), median(ratios.off) <= 1.5),
      goal(`warm: ${project} release-dry-run ≤ 1.5× one Nx start (daemon on)`, ratioCell(ratios.on), median(ratios.on) <= 1.5),
    );
    data[project] = { times, ratios };
  }
  return { name: 'Warm release-dry-run against one Nx start (the floor)', header: ['variant', 'time: median (min–max)', 'variant ÷ floor (pairwise)'], rows, goals, data };
}

export default {
  name: 'floor',
  description: 'warm release-dry-run against one Nx start (`nx show projects`), daemon off and on',
  run,
};
