// Affected: a Cargo workspace of tiny crates in a tree; after an edit in a leaf, `nx affected` against every crate's
// gates without and with the Nx cache, and whether it selects exactly the edited crate and its dependents.
import * as path from 'node:path';
import { crateName, dependentsClosure, tinyWorkspace } from '../lib/generate.mjs';
import { goal } from '../lib/report.mjs';
import { log, ratioCell, secs, summary, timeCell } from '../lib/util.mjs';
import { editSource } from '../lib/workspace.mjs';

const COUNT = 20;
// A tree: crate i depends on crate floor(i/2), c01 at the root.
const parentsOf = (i) => (i === 1 ? [] : [Math.floor(i / 2)]);
const NO_TASKS = { ran: NaN, total: NaN };

function edit(ws, crate) {
  editSource(path.join(ws.root, 'crates', crate, 'src', 'lib.rs'));
}

/** Each round: a fresh edit of the leaf before each variant; the two uncached variants are compared pair by pair. */
function measureLeaf(ctx, ws, base, leaf) {
  const times = { affected: [], all: [], allCached: [] };
  const tasks = { affected: [], all: [], allCached: [] };
  const ratios = [];
  const selections = [];
  const runVariant = (key, args, env = {}) => {
    edit(ws, leaf);
    const since = Date.now();
    const r = ws.nx(args, { allowFailure: true, env, label: `affected bench: ${key}` });
    times[key].push(r.ms);
    tasks[key].push(ws.gatesRunSince(since));
    return { r, selected: ws.dryRunsSince(since) };
  };
  for (let round = 1; round <= ctx.o.affectedRuns; round++) {
    ws.git(['checkout', '--', '.']);
    const a = runVariant('affected', ['affected', '-t', 'release-dry-run', `--base=${base}`]);
    selections.push(a.selected);
    const b = runVariant('all', ['run-many', '-t', 'release-dry-run'], { NX_SKIP_NX_CACHE: 'true' });
    runVariant('allCached', ['run-many', '-t', 'release-dry-run']);
    ratios.push(b.r.ms / a.r.ms);
    log(`affected round ${round}/${ctx.o.affectedRuns}: affected ${secs(a.r.ms)} (${a.selected.join(' ')}), every crate's gates ${secs(b.r.ms)}`);
  }
  return { times, tasks, ratios, selections };
}

/** One `nx affected` after an edit of an inner crate: the crate and everything that depends on it. */
function measureInner(ws, base, inner) {
  ws.git(['checkout', '--', '.']);
  edit(ws, inner);
  const since = Date.now();
  const innerRun = ws.nx(['affected', '-t', 'release-dry-run', `--base=${base}`], { allowFailure: true, label: 'affected inner' });
  const innerSelected = ws.dryRunsSince(since);
  const innerTasks = ws.gatesRunSince(since);
  ws.git(['checkout', '--', '.']);
  return { innerRun, innerSelected, innerTasks };
}

function run(ctx) {
  let deps;
  const ws = ctx.workspace('affected', { scriptGates: true, files: (root) => (deps = tinyWorkspace(root, COUNT, parentsOf, ctx.env)) });
  const base = ws.git(['rev-parse', 'HEAD']).trim();
  const leaf = crateName(COUNT, 2);
  const inner = crateName(3, 2);
  log('affected: filling the cache and target directory (all 20 crates, unmeasured)');
  ws.nx(['run-many', '-t', 'release-dry-run'], { allowFailure: true, label: 'fill' });
  const { times, tasks, ratios, selections } = measureLeaf(ctx, ws, base, leaf);
  const { innerRun, innerSelected, innerTasks } = measureInner(ws, base, inner);

  const expectedLeaf = dependentsClosure(deps, leaf);
  const expectedInner = dependentsClosure(deps, inner);
  const leafRight = selections.every((s) => JSON.stringify(s) === JSON.stringify(expectedLeaf));
  const innerRight = JSON.stringify(innerSelected) === JSON.stringify(expectedInner);
  const ran = (t) => `${t.ran} / ${COUNT * ctx.scriptGates.length}`;
  const lastRan = (k) => ran(tasks[k].at(-1) ?? NO_TASKS);
  return {
    name: `Affected (Cargo workspace of ${COUNT} tiny crates, tree c(i) → c(i/2); edit in leaf ${leaf})`,
    header: ['variant', 'time: median (min–max)', 'gate tasks run / total', 'crates'],
    rows: [
      [`\`nx affected -t release-dry-run --base=<rev>\` after an edit in ${leaf}`, timeCell(summary(times.affected)), lastRan('affected'), `${selections.at(-1)?.join(' ') || 'none'}`],
      ["every crate's gates: `nx run-many -t release-dry-run`, NX_SKIP_NX_CACHE=true", timeCell(summary(times.all)), lastRan('all'), `${COUNT}`],
      ["every crate's release-dry-run with the Nx cache: `nx run-many -t release-dry-run`", timeCell(summary(times.allCached)), lastRan('allCached'), `${COUNT}`],
      [`\`nx affected\` after an edit in inner crate ${inner} (1 run)`, secs(innerRun.ms), ran(innerTasks), innerSelected.join(' ')],
    ],
    notes: [
      `expected after an edit in ${leaf}: ${expectedLeaf.join(' ')}; selected: ${selections.map((s) => s.join(' ') || 'none').join(' | ')} → ${leafRight ? 'exact' : 'WRONG'}`,
      `expected after an edit in ${inner}: ${expectedInner.join(' ')}; selected: ${innerSelected.join(' ') || 'none'} → ${innerRight ? 'exact' : 'WRONG'}`,
      'all variants start from the same state: target directory warm, Nx cache filled for the committed tree; each run follows a fresh edit.',
    ],
    goals: [
      goal(`affected: selects exactly the edited crate and its dependents`, `${leaf}: ${leafRight ? 'exact' : 'wrong'}; ${inner}: ${innerRight ? 'exact' : 'wrong'}`, leafRight && innerRight),
      goal("affected: time ratio, every crate's gates ÷ nx affected (pairwise)", ratioCell(ratios), null),
    ],
    data: { times, ratios, selections, tasks, innerSelected, expectedLeaf, expectedInner, innerTasks },
  };
}

export default {
  name: 'affected',
  description: `nx affected after an edit in a Cargo workspace of ${COUNT} tiny crates, against every crate's gates`,
  run,
};
