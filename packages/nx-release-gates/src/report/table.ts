/** The gate table: one row per crate x gate, for the terminal (plain text) and for step summaries (Markdown). */
import { formatDuration } from '../util/format';
import type { GateStatus } from './result';

export interface TableRow {
  project: string;
  gate: string;
  status: GateStatus;
  /** `ran`, `local cache`, `remote cache` or `not run`. */
  source: string;
  durationMs: number | null;
  figure: string;
  /** How many things the gate checked (its result's `details.checked`): 0 or absent is worth a look. */
  checked?: number | null;
  reason: string;
  /** Skipped by the emergency path (RELEASE_GATES_SKIP): shown first and loudly. */
  emergency?: boolean;
}

const HEADERS = ['Crate', 'Gate', 'Status', 'Source', 'Time', 'Checked', 'Key figure'];

function cells(row: TableRow): string[] {
  const status = row.emergency ? 'SKIPPED (EMERGENCY)' : row.status.toUpperCase();
  const checked = typeof row.checked === 'number' ? String(row.checked) : '-';
  return [row.project, row.gate, status, row.source, row.durationMs === null ? '-' : formatDuration(row.durationMs), checked, row.figure || '-'];
}

export function textTable(rows: TableRow[]): string {
  const body = rows.map(cells);
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(HEADERS), rule, ...body.map(line)].join('\n');
}

export function markdownTable(rows: TableRow[]): string {
  const escape = (s: string) => s.replace(/\|/g, '\\|');
  const lines = [`| ${HEADERS.join(' | ')} |`, `|${HEADERS.map(() => '---').join('|')}|`];
  for (const row of rows) lines.push(`| ${cells(row).map(escape).join(' | ')} |`);
  return lines.join('\n');
}

/** The reasons of gates that did not pass, under the table: what to fix first. */
export function problemLines(rows: TableRow[]): string[] {
  return rows
    .filter((r) => r.status !== 'passed' && r.status !== 'skipped')
    .map((r) => `${r.status === 'fallback' ? '↓' : '✖'} ${r.project}:${r.gate}: ${r.reason}`);
}
