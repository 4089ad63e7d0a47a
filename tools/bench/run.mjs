#!/usr/bin/env node
// `npm run bench`: measures nx-release-gates against the original process's release script and against the raw
// cargo commands, on a real-looking crate (tools/bench/fixtures/textlab) and on generated Cargo workspaces.
// Whole processes are timed (hrtime around spawnSync); variants compared with each other run in alternation
// (A B A B ...) so that ratios hold on a shared, noisy machine. This file reads the options, runs the chosen
// benchmarks (tools/bench/benchmarks) and writes the report. See tools/bench/README.md.
import * as path from 'node:path';
import { BENCHMARKS } from './benchmarks/index.mjs';
import { setUp, tearDown } from './lib/context.mjs';
import { REPO } from './lib/paths.mjs';
import { lastResults, saveResults, writeDocs } from './lib/report.mjs';
import { loadAverage, log } from './lib/util.mjs';

const NAMES = BENCHMARKS.map((b) => b.name);
const USAGE = `usage: npm run bench -- [--only ${NAMES.join(',')}] [--runs N] [--cold-runs N] [--affected-runs N] [--parallel-runs N] [--suite-runs N] [--sizes 50,200,500] [--plugin-rev REV] [--nvcc auto|standin|none] [--work DIR] [--keep] [--docs|--no-docs] [--render] (details: tools/bench/README.md)`;

const number = (key) => (o, v) => {
  o[key] = Number(v);
};
// Options that take a value, as `--name value` or `--name=value`.
const VALUED = {
  '--only': (o, v) => {
    o.only = v.split(',').map((s) => s.trim()).filter(Boolean);
  },
  '--runs': number('runs'),
  '--cold-runs': number('coldRuns'),
  '--affected-runs': number('affectedRuns'),
  '--parallel-runs': number('parallelRuns'),
  '--suite-runs': number('suiteRuns'),
  '--sizes': (o, v) => {
    o.sizes = v.split(',').map(Number);
  },
  '--work': (o, v) => {
    o.work = path.resolve(v);
  },
  '--nvcc': (o, v) => {
    o.nvcc = v;
  },
  '--plugin-rev': (o, v) => {
    o.pluginRev = v;
  },
};
const SWITCHES = { '--keep': { keep: true }, '--render': { render: true }, '--docs': { docs: true }, '--no-docs': { docs: false } };
// Round counts of which every benchmark that uses them needs one; --parallel-runs and --suite-runs may be 0 (skip).
const AT_LEAST_ONE = { '--runs': 'runs', '--cold-runs': 'coldRuns', '--affected-runs': 'affectedRuns' };

/** The options; { help: true } for --help. Throws with a one-line message on a wrong option. */
function parseArgs(argv) {
  const o = { only: NAMES, runs: 3, coldRuns: 2, affectedRuns: 2, parallelRuns: 2, suiteRuns: 1, sizes: [50, 200, 500], work: path.join(REPO, 'tmp', 'bench'), keep: false, nvcc: 'auto', docs: null, pluginRev: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const name = a.split('=')[0];
    if (name === '--help' || name === '-h') return { help: true };
    if (SWITCHES[name]) Object.assign(o, SWITCHES[name]);
    else if (VALUED[name]) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      VALUED[name](o, v);
    } else throw new Error(`unknown option ${a}; see --help`);
  }
  const bad = o.only.filter((b) => !NAMES.includes(b));
  if (bad.length) throw new Error(`unknown benchmark(s) ${bad.join(', ')}; choose from ${NAMES.join(', ')}`);
  for (const [flag, key] of Object.entries(AT_LEAST_ONE)) if (!(o[key] >= 1)) throw new Error(`${flag} must be at least 1`);
  if (o.docs === null) o.docs = NAMES.every((b) => o.only.includes(b));
  return o;
}

/** Runs one benchmark; a failure is recorded in the report and the next benchmark still runs. */
function runBenchmark(benchmark, ctx, result) {
  const started = Date.now();
  log(`=== ${benchmark.name}: ${benchmark.description}`);
  try {
    const table = benchmark.run(ctx);
    table.id = benchmark.name;
    table.seconds = Math.round((Date.now() - started) / 1000);
    result.benchmarks.push(table);
  } catch (error) {
    log(`${benchmark.name} failed: ${error.message}`);
    result.errors.push({ benchmark: benchmark.name, error: error.message });
  }
}

function runAll(o) {
  const ctx = setUp(o);
  const result = { machine: ctx.machine, command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(), gates: ctx.scriptGates, benchmarks: [], errors: [] };
  for (const benchmark of BENCHMARKS.filter((b) => o.only.includes(b.name))) {
    runBenchmark(benchmark, ctx, result);
    // Saved after each benchmark, so that a run cut short keeps what it measured.
    saveResults(result);
  }
  result.loadAtEnd = loadAverage();
  const table = saveResults(result);
  if (o.docs) writeDocs(table);
  console.log(`\n${table}`);
  console.log(`written: bench-results/latest.md, bench-results/latest.json${o.docs ? ', docs/benchmarks.md' : ''}`);
  tearDown(ctx);
  process.exitCode = result.errors.length ? 1 : 0;
}

function main() {
  let o;
  try {
    o = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`bench: ${error.message}`);
    process.exitCode = 2;
    return;
  }
  if (o.help) console.log(USAGE);
  else if (o.render) {
    // Re-renders the table and docs/benchmarks.md from the last run's JSON (after editing benchmarks-intro.md).
    const table = saveResults(lastResults(), { json: false });
    writeDocs(table);
    console.log(table);
  } else runAll(o);
}

main();
