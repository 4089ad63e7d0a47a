/**
 * The release report of one crate (release-dry-run.json): every gate's result or why it has none, whether it ran
 * or came from a cache, the emergency skips, and what was released from: commit, tree state, Cargo.lock hash,
 * toolchain. Its JSON Schema ships as schemas/release-dry-run.schema.json. `failed` exactly when a gate failed or
 * did not run.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RELEASE_DRY_RUN } from '../model/catalog';
import { readJsonIfExists } from '../util/files';
import { buildFingerprint, RunFingerprint } from './fingerprint';
import { sha256 } from '../util/hash';
import { GateResult, isFailure, readGateResult, RESULT_SCHEMA_VERSION, resultFolder } from './result';
import { explainNotRun, orderRows } from './summary';
import type { TableRow } from './table';
import type { RunStamp } from '../model/freshness';

export interface ReleaseReport {
  schemaVersion: number;
  project: string;
  crate: string;
  version: string;
  status: 'passed' | 'failed';
  startedAt: string;
  durationMs: number;
  git: { commit: string | null; clean: boolean | null };
  lockfile: { path: string | null; sha256: string | null };
  environment: GateResult['environment'] | null;
  emergency: { gates: string[]; reason: string } | null;
  gates: Array<GateResult & { source: string }>;
  notRun: Array<{ gate: string; reason: string }>;
  skipped: Array<{ gate: string; reason: string }>;
  rows: TableRow[];
  problems: string[];
  /** What decides whether another run may share these results (release-parity compares two). */
  fingerprint: RunFingerprint;
  /** The signal that cut the dry run off, or null. */
  interruptedBy?: NodeJS.Signals | null;
  /** The Nx task that wrote this report (its hash) and the run's id: a replay of the whole dry run is told by the hash. */
  run?: RunStamp;
  /**
   * Set when Nx replayed the whole dry run from a cache instead of running it (replayed-report.ts): which cache. The
   * rest is the run that wrote it, but for each replayed row's source.
   */
  replayedFrom?: 'local cache' | 'remote cache';
}

export interface ReportInput {
  workspaceRoot: string;
  project: string;
  gates: string[];
  startedAt: Date;
  /**
   * This run's row of each gate, judged by the nested run against the hashes of the tasks it ran (report/nested-run);
   * a gate without one failed (or was interrupted) with `missing` as its reason.
   */
  rows: Map<string, TableRow>;
  missing: { status: 'failed' | 'interrupted'; reason: string };
  git: ReleaseReport['git'];
  lockfile: string | null;
  emergency: ReleaseReport['emergency'];
  /** The cache key's fingerprint lines about files outside the crate (cache-key/fingerprint.ts outsideFileLines), for parity. */
  outsideFileLines?: string[];
  /** The environment the gates ran in, for the fingerprint (variables are stored as hashes). */
  env?: NodeJS.ProcessEnv;
}

export function buildReleaseReport(input: ReportInput): ReleaseReport {
  const gates: ReleaseReport['gates'] = [];
  const rows = explainNotRun(input.gates.map((gate): TableRow => {
    const row = input.rows.get(gate);
    if (!row) return { project: input.project, gate, status: input.missing.status, source: 'not run', durationMs: null, figure: '', reason: input.missing.reason, emergency: false };
    const result = row.source === 'not run' ? null : readGateResult(input.workspaceRoot, input.project, gate);
    if (result && result.status === row.status) gates.push({ ...result, source: row.source });
    return row;
  }));
  const lockPath = input.lockfile ? path.join(input.workspaceRoot, input.lockfile) : null;
  const first = gates[0];
  const lockfileSha256 = lockPath && fs.existsSync(lockPath) ? sha256(fs.readFileSync(lockPath, 'utf8')) : null;
  return {
    schemaVersion: RESULT_SCHEMA_VERSION,
    project: input.project,
    crate: first?.crate ?? input.project,
    version: first?.version ?? '',
    status: rows.some((r) => isFailure(r.status)) ? 'failed' : 'passed',
    startedAt: input.startedAt.toISOString(),
    durationMs: Date.now() - input.startedAt.getTime(),
    git: input.git,
    lockfile: {
      path: input.lockfile,
      sha256: lockfileSha256,
    },
    environment: first?.environment ?? null,
    emergency: input.emergency,
    gates,
    notRun: rows.filter((r) => r.source === 'not run').map((r) => ({ gate: r.gate, reason: r.reason })),
    skipped: rows.filter((r) => r.status === 'skipped').map((r) => ({ gate: r.gate, reason: r.reason })),
    rows: orderRows(rows),
    problems: [],
    fingerprint: buildFingerprint({ gates, env: input.env ?? {}, lockfileSha256, commit: input.git.commit, emergency: input.emergency, outsideFileLines: input.outsideFileLines }),
  };
}

export function releaseReportFile(workspaceRoot: string, project: string): string {
  return path.join(workspaceRoot, resultFolder(project), `${RELEASE_DRY_RUN}.json`);
}

export function readReleaseReport(workspaceRoot: string, project: string): ReleaseReport | null {
  return readJsonIfExists<ReleaseReport>(releaseReportFile(workspaceRoot, project));
}
