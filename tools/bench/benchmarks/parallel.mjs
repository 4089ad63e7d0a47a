// Parallel gates: release-dry-run with the plugin's default `targetDirectory: shared` against `per-gate`, for one
// crate cold and after an edit, and for five crates of one Cargo workspace cold; time and disk use of the target
// directories.
import * as path from 'node:path';
import { suiteWorkspace } from '../lib/generate.mjs';
import { FIXTURE } from '../lib/paths.mjs';
import { coldDryRun, PROJECT } from '../lib/textlab.mjs';
import { bytesCell, log, ratioCell, run as runCommand, secs, summary, timeCell } from '../lib/util.mjs';
import { editSource } from '../lib/workspace.mjs';

const NOT_MEASURED = { shared: NaN, perGate: NaN };

/** Disk use of the two variants' target directories. */
function disk(shared, perGate, dir) {
  return { shared: shared.targetBytes(dir), perGate: perGate.targetBytes(dir) };
}

/** 1 crate, cold: measured in the cold rounds when they ran; else once here (none with --parallel-runs 0). */
function coldCase(ctx, ws, wsPg) {
  if (ctx.coldSingle) return ctx.coldSingle;
  if (!ws) return { shared: [], perGate: [], sharedDisk: NaN, perGateDisk: NaN };
  log('parallel: cold single crate, shared then per-gate');
  const a = coldDryRun(ws);
  const b = coldDryRun(wsPg);
  const d = disk(ws, wsPg, PROJECT);
  return { shared: [a.ms], perGate: [b.ms], sharedDisk: d.shared, perGateDisk: d.perGate };
}

/** 1 crate, after an edit of its source (target directories warm), alternating. */
function editCase(ctx, ws, wsPg) {
  const edit = { shared: [], perGate: [] };
  const editRatios = [];
  for (let round = 1; round <= ctx.o.parallelRuns; round++) {
    editSource(path.join(ws.root, PROJECT, 'src', 'lib.rs'));
    const a = ws.dryRun(PROJECT, { label: 'edit, shared' });
    editSource(path.join(wsPg.root, PROJECT, 'src', 'lib.rs'));
    const b = wsPg.dryRun(PROJECT, { label: 'edit, per-gate' });
    edit.shared.push(a.ms);
    edit.perGate.push(b.ms);
    editRatios.push(b.ms / a.ms);
    log(`parallel, 1 crate after an edit, round ${round}/${ctx.o.parallelRuns}: shared ${secs(a.ms)}, per-gate ${secs(b.ms)}`);
  }
  return { edit, editRatios, disk1: ws ? disk(ws, wsPg, PROJECT) : NOT_MEASURED };
}

function suiteSpace(ctx, name, targetDirectory) {
  return ctx.workspace(name, {
    targetDirectory,
    scriptGates: true,
    files: (root) => {
      const dir = path.join(root, 'suite');
      suiteWorkspace(dir, FIXTURE);
      runCommand('cargo', ['update', '--workspace', '--offline'], { cwd: dir, env: ctx.env });
      runCommand('cargo', ['fmt', '--all'], { cwd: dir, env: ctx.env });
    },
  });
}

/** 5 crates in one Cargo workspace, cold, alternating (none with --suite-runs 0). */
function suiteCase(ctx) {
  const five = { shared: [], perGate: [] };
  const fiveStatus = { shared: [], perGate: [] };
  const fiveRatios = [];
  if (ctx.o.suiteRuns < 1) return { five, fiveStatus, fiveRatios, disk5: NOT_MEASURED };
  const spaces = { shared: suiteSpace(ctx, 'suite-shared', 'shared'), perGate: suiteSpace(ctx, 'suite-per-gate', 'per-gate') };
  for (let round = 1; round <= ctx.o.suiteRuns; round++) {
    for (const [key, w] of Object.entries(spaces)) {
      w.clean('suite/target', 'dist', '.nx');
      const r = w.nx(['run-many', '-t', 'release-dry-run'], { allowFailure: true, label: `5 crates cold, ${key}` });
      five[key].push(r.ms);
      fiveStatus[key].push(r.status);
      log(`parallel, 5 crates cold, round ${round}/${ctx.o.suiteRuns}: ${key} ${secs(r.ms)} (exit ${r.status})`);
    }
    fiveRatios.push(five.perGate.at(-1) / five.shared.at(-1));
  }
  return { five, fiveStatus, fiveRatios, disk5: disk(spaces.shared, spaces.perGate, 'suite') };
}

function run(ctx) {
  const single = ctx.o.parallelRuns >= 1;
  const ws = single ? ctx.single() : null;
  const wsPg = single ? ctx.singlePerGate() : null;
  const cold = coldCase(ctx, ws, wsPg);
  const { edit, editRatios, disk1 } = editCase(ctx, ws, wsPg);
  const { five, fiveStatus, fiveRatios, disk5 } = suiteCase(ctx);
  const coldRatios = cold.perGate.map((p, i) => p / cold.shared[i]);
  const row = (label, times, ratios, d) => [label, timeCell(summary(times.shared)), timeCell(summary(times.perGate)), ratioCell(ratios), bytesCell(d.shared), bytesCell(d.perGate)];
  return {
    name: 'Parallel gates: shared target directory (default) vs per-gate target directories (Nx default parallelism, 3)',
    header: ['case', 'shared: time', 'per-gate: time', 'per-gate ÷ shared (pairwise)', 'disk shared', 'disk per-gate'],
    rows: [
      row('1 crate, cold', cold, coldRatios, { shared: cold.sharedDisk, perGate: cold.perGateDisk }),
      row('1 crate, after an edit of src/lib.rs', edit, editRatios, disk1),
      row('5 crates (one Cargo workspace), cold, `nx run-many -t release-dry-run`', five, fiveRatios, disk5),
    ],
    notes: [ctx.o.suiteRuns < 1 ? '5 crates: not measured in this run (--suite-runs 0)' : `5-crate exit codes: shared ${fiveStatus.shared.join(', ')}, per-gate ${fiveStatus.perGate.join(', ')}`],
    goals: [],
    data: { cold, edit, editRatios, disk1, five, fiveRatios, disk5 },
  };
}

export default {
  name: 'parallel',
  description: 'release-dry-run with shared against per-gate target directories: time and disk',
  run,
};
