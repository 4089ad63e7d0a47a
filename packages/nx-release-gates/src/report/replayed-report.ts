/**
 * A release report Nx restored with the whole dry run (executors/release-dry-run/dry-run-hasher.ts) reads as this run's: every gate
 * it records came from that cache now, whatever the run that wrote it did. The verdict, the facts and the durations
 * stay the writing run's; only the sources change, and `replayedFrom` says which cache. Applying it twice changes
 * nothing more.
 */
import type { ReleaseReport } from './release-report';

export type ReplaySource = 'local cache' | 'remote cache';

/** The cache a task result's status names, or null when the task ran (or did not). */
export function replaySourceOf(status: string): ReplaySource | null {
  if (status === 'local-cache' || status === 'local-cache-kept-existing') return 'local cache';
  if (status === 'remote-cache') return 'remote cache';
  return null;
}

const replayed = (source: string, from: ReplaySource) => (source === 'not run' ? source : from);

export function asReplayed(report: ReleaseReport, from: ReplaySource): ReleaseReport {
  return {
    ...report,
    gates: report.gates.map((gate) => ({ ...gate, source: replayed(gate.source, from) })),
    rows: report.rows.map((row) => ({ ...row, source: replayed(row.source, from) })),
    replayedFrom: from,
  };
}
