// The report: one Markdown table per benchmark after a table of goals, written to bench-results/ (with every
// figure as JSON) and, for a full run, to docs/benchmarks.md after benchmarks-intro.md.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BENCH, REPO } from './paths.mjs';
import { readJson, write } from './util.mjs';

const RESULTS = path.join(REPO, 'bench-results');

/** A goal row: `met` is true, false, or null for a figure reported without a goal. */
export function goal(text, figure, met) {
  return { text, figure, met };
}

function markdown(result) {
  const m = result.machine;
  const lines = [];
  lines.push(`Machine: ${m.cores} cores (${m.cpuModel}), ${m.memory} memory, ${m.os}; ${m.rustc}; ${m.cargo}; Node ${m.node}; Nx ${m.nx}; CUDA: ${m.nvcc}.`);
  lines.push(`Run ${m.date}; load average at start ${m.loadAverageAtStart}${result.loadAtEnd ? `, at end ${result.loadAtEnd}` : ''}. Options: \`${result.command}\`.`);
  lines.push('');
  lines.push('### Goals');
  lines.push('');
  lines.push('| goal | measured | met |');
  lines.push('| --- | --- | --- |');
  for (const b of result.benchmarks) for (const g of b.goals) lines.push(`| ${g.text} | ${g.figure} | ${g.met === null ? '(figure only)' : g.met ? 'met' : '**not met**'} |`);
  for (const b of result.benchmarks) {
    lines.push('');
    lines.push(`### ${b.name}`);
    lines.push('');
    lines.push(`| ${b.header.join(' | ')} |`);
    lines.push(`| ${b.header.map(() => '---').join(' | ')} |`);
    for (const row of b.rows) lines.push(`| ${row.join(' | ')} |`);
    for (const note of b.notes ?? []) lines.push(`\n${note}`);
  }
  for (const e of result.errors) lines.push(`\n**${e.benchmark} did not finish:** ${e.error}`);
  return `${lines.join('\n')}\n`;
}

/** Writes bench-results/latest.md (and latest.json unless only re-rendering); returns the table. */
export function saveResults(result, { json = true } = {}) {
  const table = markdown(result);
  write(path.join(RESULTS, 'latest.md'), `# nx-release-gates benchmark\n\n${table}`);
  if (json) write(path.join(RESULTS, 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);
  return table;
}

export function lastResults() {
  return readJson(path.join(RESULTS, 'latest.json'));
}

export function writeDocs(table) {
  const intro = fs.readFileSync(path.join(BENCH, 'benchmarks-intro.md'), 'utf8');
  write(path.join(REPO, 'docs', 'benchmarks.md'), `${intro.trimEnd()}\n\n## Latest results\n\n${table}`);
}
