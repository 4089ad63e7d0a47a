// What tracing costs: a cold gate-build + gate-test of the example crate (empty target directory, Nx cache skipped)
// with NX_RELEASE_GATES_TRACE=0 and with tracing on (strace, Linux), in alternation; ratio pair by pair against a
// 15% budget. Off Linux, or without strace, the traced runs say `unavailable` in their results and the figure is moot.
import * as path from 'node:path';
import { EXAMPLE } from '../lib/paths.mjs';
import { goal } from '../lib/report.mjs';
import { copyTree, log, median, ratioCell, rm, secs, summary, timeCell } from '../lib/util.mjs';

const PROJECT = 'release-gates-demo';
const OFF = { NX_RELEASE_GATES_TRACE: '0' };
const ON = { NX_RELEASE_GATES_TRACE: '1' };
const BUDGET = 1.15;

function run(ctx) {
  const ws = ctx.workspace('tracing', { files: (root) => copyTree(EXAMPLE, path.join(root, PROJECT)) });
  const cold = (env, tag) => {
    rm(path.join(ws.root, PROJECT, 'target'));
    return ws.nx(['run-many', '-t', 'gate-build', 'gate-test', '-p', PROJECT, '--skip-nx-cache'], { allowFailure: true, env, label: `cold build+test, ${tag}` });
  };
  log('tracing: warm-up (not timed)');
  cold(OFF, 'warm-up');
  const times = { off: [], on: [] };
  const ratios = [];
  const modes = [];
  for (let round = 1; round <= ctx.o.runs; round++) {
    const off = cold(OFF, 'tracing off');
    const on = cold(ON, 'tracing on');
    times.off.push(off.ms);
    times.on.push(on.ms);
    ratios.push(on.ms / off.ms);
    modes.push(ws.results(PROJECT)['gate-test']?.details?.tracing?.mode ?? 'none');
    log(`tracing round ${round}/${ctx.o.runs}: off ${secs(off.ms)}, on ${secs(on.ms)}`);
  }
  return {
    name: 'Tracing (cold gate-build + gate-test of the example crate)',
    header: ['variant', 'time: median (min–max)', 'vs off'],
    rows: [
      ['`NX_RELEASE_GATES_TRACE=0`', timeCell(summary(times.off)), '1×'],
      [`tracing on (details.tracing.mode: ${[...new Set(modes)].join(', ')})`, timeCell(summary(times.on)), ratioCell(ratios)],
    ],
    goals: [goal('tracing: cold gate-build + gate-test at most 15% slower with tracing on (ratio ≤ 1.15)', ratioCell(ratios), median(ratios) <= BUDGET)],
    data: { times, ratios, modes },
  };
}

export default {
  name: 'tracing',
  description: 'cold gate-build + gate-test with tracing off (NX_RELEASE_GATES_TRACE=0) and on, in alternation',
  run,
};
