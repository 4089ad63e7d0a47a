/** The gate table: one row per crate x gate, for the terminal (plain text) and for step summaries (Markdown). */
import { formatDuration } from '../util/format';
import { oneLine } from '../util/workflow-text';
import type { GateStatus } from './result';

export interface TableRow {
  project: string;
  gate: string;
  status: GateStatus;
  /** `ran`, `local cache`, `remote cache` or `not run`. */
  source: string;
  durationMs: number | null;
  figure: string;
  /** How many things the gate checked (`details.checked`: files, tests, targets, binaries, ...); null when unknown. */
  checked?: number | null;
  reason: string;
  /** Skipped by the emergency path (RELEASE_GATES_SKIP): shown first and loudly. */
  emergency?: boolean;
  /** An emergency skip's last day (null: no expiry), as the skipped gate recorded it. */
  emergencyUntil?: string | null;
  /** Inputs the build read that the cache key does not cover (details.undeclaredInputs), one line each. */
  undeclaredInputs?: string[];
  /** Set when the release did not trust the replayed result (no trusted signature) and ran the gate again: why. */
  replayTrust?: string;
}

const HEADERS = ['Crate', 'Gate', 'Status', 'Source', 'Time', 'Checked', 'Key figure'];

/** A replayed gate took no time now: its cell says so and what the replay saved (the original run's duration). */
export function timeCell(row: Pick<TableRow, 'source' | 'durationMs'>): string {
  if (row.durationMs === null) return '-';
  const replayed = row.source === 'local cache' || row.source === 'remote cache';
  return replayed ? `replayed, saved ${formatDuration(row.durationMs)}` : formatDuration(row.durationMs);
}

function cells(row: TableRow): string[] {
  const status = row.emergency ? 'SKIPPED (EMERGENCY)' : row.status.toUpperCase();
  const checked = typeof row.checked === 'number' ? String(row.checked) : '-';
  // A cell is one line in both tables: a figure quoting a tool must not break the table or start a log line.
  return [row.project, row.gate, status, row.source, timeCell(row), checked, row.figure || '-'].map(oneLine);
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
  const lines = rows
    .filter((r) => r.status !== 'passed' && r.status !== 'skipped')
    .map((r) => `${r.status === 'fallback' ? '↓' : '✖'} ${r.project}:${r.gate}: ${r.reason}`);
  for (const r of rows) for (const input of r.undeclaredInputs ?? []) lines.push(`⚠ ${r.project}:${r.gate}: undeclared input ${input}`);
  return lines;
}
