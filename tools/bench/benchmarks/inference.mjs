// Inference at scale: `nx show projects` with the daemon off and no .nx on Cargo workspaces of growing size (and an
// empty one for Nx alone), counting the `cargo metadata` calls the plugin makes.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tinyWorkspace } from '../lib/generate.mjs';
import { goal } from '../lib/report.mjs';
import { BENCH } from '../lib/paths.mjs';
import { commandPath, log, median, rm, secs, summary, timed, timeCell, writeExecutable } from '../lib/util.mjs';

/** A `cargo` first on PATH that logs each `cargo metadata` call, then runs the real cargo. */
function cargoCounter(ctx) {
  const dir = path.join(ctx.work, 'cargo-shim');
  const calls = path.join(ctx.work, 'cargo-metadata-calls.log');
  writeExecutable(
    path.join(dir, 'cargo'),
    `#!/usr/bin/env bash\n# Counts cargo metadata calls, then runs the real cargo.\nif [ "\${1:-}" = metadata ]; then echo "$PWD $*" >> ${JSON.stringify(calls)}; fi\nexec ${JSON.stringify(commandPath('cargo'))} "$@"\n`,
  );
  return { dir, calls };
}

/**
 * The projects in the graph the run wrote (.nx/workspace-data/project-graph.json). Not the lines `nx show projects`
 * printed: Nx 23.2.1 sometimes cuts its output short into a pipe (seen here: 278 of 500 names, exit 0, while the
 * graph it wrote held all 500 projects).
 */
function graphProjects(root) {
  try {
    return Object.keys(JSON.parse(fs.readFileSync(path.join(root, '.nx', 'workspace-data', 'project-graph.json'), 'utf8')).nodes).length;
  } catch {
    return null;
  }
}

/** Rounds over the sizes: per size, times, `cargo metadata` calls and projects listed, one entry a round. */
function measure(ctx, sizes) {
  const shim = cargoCounter(ctx);
  const spaces = {};
  for (const n of sizes) {
    // Each crate depends by path on the crates 1 and 7 before it; size 0 is Nx alone.
    const files = n === 0 ? undefined : (root) => tinyWorkspace(root, n, (i) => [i - 1, i - 7], ctx.env);
    spaces[n] = ctx.workspace(`inference-${n}`, { logName: 'inference', files });
  }
  const perSize = () => Object.fromEntries(sizes.map((n) => [n, []]));
  const times = perSize();
  const calls = perSize();
  const projects = perSize();
  const env = { PATH: `${shim.dir}${path.delimiter}${ctx.env.PATH}`, NX_DAEMON: 'false' };
  for (let round = 1; round <= ctx.o.runs; round++) {
    for (const n of sizes) {
      const ws = spaces[n];
      rm(path.join(ws.root, '.nx'), shim.calls);
      const r = ws.nx(['show', 'projects'], { env, capture: true, label: `show projects (${n} crates)` });
      times[n].push(r.ms);
      calls[n].push(fs.existsSync(shim.calls) ? fs.readFileSync(shim.calls, 'utf8').split('\n').filter(Boolean).length : 0);
      projects[n].push(graphProjects(ws.root) ?? r.out.split('\n').filter(Boolean).length);
    }
    log(`inference round ${round}/${ctx.o.runs}: ${sizes.map((n) => `${n}: ${secs(times[n].at(-1))}`).join(', ')}`);
  }
  return { times, calls, projects, hashing: hashing(ctx, spaces[Math.max(...sizes)], env) };
}

/**
 * What a run of every crate's gate-build does before its first task, on the largest workspace: the project graph,
 * the task graph and every task hashed (lib/hash-tasks.cjs), `.nx` deleted first as above. No preTasksExecution hook.
 */
function hashing(ctx, ws, env) {
  const rounds = [];
  for (let round = 1; round <= ctx.o.runs; round++) {
    rm(path.join(ws.root, '.nx'));
    const r = timed(process.execPath, [path.join(BENCH, 'lib', 'hash-tasks.cjs'), 'gate-build'], { cwd: ws.root, env: { ...ws.env, ...env }, logTo: ws.logTo, capture: true, label: 'inference and hashing' });
    if (r.status !== 0) throw new Error('lib/hash-tasks.cjs failed: see the inference log');
    rounds.push({ ...JSON.parse(r.out.trim().split('\n').pop()), ms: r.ms });
    log(`inference and hashing round ${round}/${ctx.o.runs}: ${secs(r.ms)} (graph ${secs(rounds.at(-1).graphMs)}, hashing ${rounds.at(-1).tasks} tasks ${secs(rounds.at(-1).hashMs)})`);
  }
  return rounds;
}

function run(ctx) {
  const sizes = [0, ...ctx.o.sizes];
  const { times, calls, projects, hashing } = measure(ctx, sizes);
  const largest = Math.max(...sizes);
  const whole = median(hashing.map((h) => h.ms));
  const med = Object.fromEntries(sizes.map((n) => [n, median(times[n])]));
  const [a, b, c] = ctx.o.sizes;
  const perCrate = (x, y) => (med[y] - med[x]) / (y - x);
  const rows = sizes.map((n) => [
    n === 0 ? 'no crates (Nx alone)' : `${n} crates`,
    timeCell(summary(times[n])),
    n === 0 ? '—' : `${Math.max(...calls[n])} (max of ${calls[n].length} runs)`,
    `${Math.min(...projects[n])}`,
  ]);
  const linear = a && b && c ? perCrate(b, c) <= 1.5 * Math.max(perCrate(a, b), 0.5) && med[c] / med[b] <= c / b && med[b] / med[a] <= b / a : null;
  const okCalls = ctx.o.sizes.every((n) => calls[n].every((k) => k === 1));
  const at200 = med[200];
  const at500 = med[500];
  return {
    name: 'Inference at scale (`nx show projects`, NX_DAEMON=false, .nx deleted before each run)',
    header: ['Cargo workspace', 'time: median (min–max)', '`cargo metadata` calls', 'projects in the graph'],
    rows: [
      ...rows,
      [
        `${largest} crates: graph, task graph and every crate's gate-build hashed (no task run)`,
        `${timeCell(summary(hashing.map((h) => h.ms)))}: graph ${secs(median(hashing.map((h) => h.graphMs)))}, hashing ${hashing[0]?.tasks ?? 0} tasks ${secs(median(hashing.map((h) => h.hashMs)))}`,
        '—',
        '—',
      ],
    ],
    notes: [
      a && b && c
        ? `marginal cost per crate: ${a}→${b}: ${perCrate(a, b).toFixed(2)} ms, ${b}→${c}: ${perCrate(b, c).toFixed(2)} ms; time ratio ${b}/${a} crates ${(med[b] / med[a]).toFixed(2)} (linear would be ${(b / a).toFixed(1)}), ${c}/${b} ${(med[c] / med[b]).toFixed(2)} (linear ${(c / b).toFixed(1)})`
        : 'growth not computed (needs three sizes)',
      'each crate depends by path on the crates 1 and 7 before it; one Cargo workspace; cargo metadata counted by a `cargo` wrapper first on PATH.',
    ],
    goals: [
      goal('inference: 1 `cargo metadata` call per Cargo workspace', ctx.o.sizes.map((n) => `${n}: ${Math.max(...calls[n])}`).join(', '), okCalls),
      ...(at200 !== undefined ? [goal('inference: 200 crates under 3 s', secs(at200), at200 < 3000)] : []),
      ...(at500 !== undefined ? [goal('inference: 500 crates under 3 s (`nx show projects`)', secs(at500), at500 < 3000)] : []),
      goal(`inference and hashing: ${largest} crates under 3 s (graph, task graph, every gate-build hashed)`, secs(whole), whole < 3000),
      goal('inference: growth no worse than linear', a && b && c ? `${b}/${a}: ${(med[b] / med[a]).toFixed(2)}×, ${c}/${b}: ${(med[c] / med[b]).toFixed(2)}×` : 'n/a', linear),
    ],
    data: { times, calls, projects },
  };
}

export default {
  name: 'inference',
  description: '`nx show projects` on Cargo workspaces of growing size, counting `cargo metadata` calls',
  run,
};
