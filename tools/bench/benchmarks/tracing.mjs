// What tracing costs, against the 15% budget: a cold `nx run textlab:release-dry-run` of the benchmark crate (empty
// target directory, Nx cache and results; the script's gates) with NX_RELEASE_GATES_TRACE=0 and with tracing on
// (strace, Linux), in alternation, ratio pair by pair; then the same for a cold gate-build + gate-test of the example
// crate, where strace's fixed costs weigh most (--cold-runs and --runs rounds). With the CPU time of each run: on 2
// cores, strace's work can hide in a core the build leaves idle (a long LTO link), so wall time alone understates it. Off Linux, or without strace, the traced runs say `unavailable` in
// their results and the figure is moot.
import * as path from 'node:path';
import { EXAMPLE } from '../lib/paths.mjs';
import { goal } from '../lib/report.mjs';
import { PROJECT as TEXTLAB, textlabWorkspace } from '../lib/textlab.mjs';
import { copyTree, log, median, ratioCell, rm, secs, summary, timeCell } from '../lib/util.mjs';

const EXAMPLE_PROJECT = 'release-gates-demo';
const OFF = { NX_RELEASE_GATES_TRACE: '0' };
const ON = { NX_RELEASE_GATES_TRACE: '1' };
const BUDGET = 1.15;

/** Off and on in alternation, `rounds` times after one untimed warm-up; the traced gates' tracing modes. */
function alternate(rounds, label, cold, modeOf) {
  log(`tracing, ${label}: warm-up (not timed)`);
  cold(OFF, 'warm-up');
  const times = { off: [], on: [] };
  const cpu = { off: [], on: [] };
  const ratios = [];
  const cpuRatios = [];
  const modes = new Set();
  for (let round = 1; round <= rounds; round++) {
    const off = cold(OFF, 'tracing off');
    const on = cold(ON, 'tracing on');
    times.off.push(off.ms);
    times.on.push(on.ms);
    ratios.push(on.ms / off.ms);
    cpu.off.push(off.cpuMs);
    cpu.on.push(on.cpuMs);
    cpuRatios.push(on.cpuMs / off.cpuMs);
    modes.add(modeOf());
    log(`tracing, ${label}, round ${round}/${rounds}: off ${secs(off.ms)}, on ${secs(on.ms)} (${(on.ms / off.ms).toFixed(2)}×)`);
  }
  return { times, ratios, cpu, cpuRatios, modes: [...modes] };
}

function rows(what, m) {
  return [
    [`${what}, \`NX_RELEASE_GATES_TRACE=0\``, timeCell(summary(m.times.off)), '1×', timeCell(summary(m.cpu.off)), '1×'],
    [`${what}, tracing on (details.tracing.mode: ${m.modes.join(', ')})`, timeCell(summary(m.times.on)), ratioCell(m.ratios), timeCell(summary(m.cpu.on)), ratioCell(m.cpuRatios)],
  ];
}

function run(ctx) {
  const tl = textlabWorkspace(ctx, 'tracing-textlab', 'shared');
  const textlab = alternate(ctx.o.coldRuns, 'textlab release-dry-run', (env, tag) => {
    tl.clean(`${TEXTLAB}/target`, 'dist', '.nx');
    return tl.dryRun(TEXTLAB, { env, label: `cold release-dry-run, ${tag}` });
  }, () => tl.results(TEXTLAB)['gate-test']?.details?.tracing?.mode ?? 'none');
  const ws = ctx.workspace('tracing', { files: (root) => copyTree(EXAMPLE, path.join(root, EXAMPLE_PROJECT)) });
  const example = alternate(ctx.o.runs, 'example crate', (env, tag) => {
    rm(path.join(ws.root, EXAMPLE_PROJECT, 'target'));
    return ws.nx(['run-many', '-t', 'gate-build', 'gate-test', '-p', EXAMPLE_PROJECT, '--skip-nx-cache'], { allowFailure: true, env, label: `cold build+test, ${tag}` });
  }, () => ws.results(EXAMPLE_PROJECT)['gate-test']?.details?.tracing?.mode ?? 'none');
  return {
    name: 'Tracing (cold, tracing off and on in alternation)',
    header: ['variant', 'time: median (min–max)', 'vs off (pairwise)', 'CPU time, user + system: median (min–max)', 'CPU vs off (pairwise)'],
    rows: [...rows('benchmark crate: `nx run textlab:release-dry-run`', textlab), ...rows('example crate: gate-build + gate-test', example)],
    goals: [
      goal('tracing: cold release-dry-run of the benchmark crate at most 15% slower with tracing on (ratio ≤ 1.15)', ratioCell(textlab.ratios), median(textlab.ratios) <= BUDGET),
      goal('tracing: cold gate-build + gate-test of the example crate, tracing on ÷ off', ratioCell(example.ratios), null),
    ],
    data: { textlab, example },
  };
}

export default {
  name: 'tracing',
  description: 'cold release-dry-run of the benchmark crate and cold gate-build + gate-test of the example crate, tracing off (NX_RELEASE_GATES_TRACE=0) and on, in alternation',
  run,
};
