/**
 * The release trusts a replayed gate only when a trusted run signed it (model/replay-trust.ts). After the nested run,
 * every gate whose result this run did not write (Nx replayed it from a cache: its run id is another run's) is checked
 * against this run's task hash and the bytes restored; the gates that fail the check, and the gates of the run that
 * read their outputs, run again with the cache skipped, and their rows say so.
 */
import type * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import type { ExecutorContext } from '@nx/devkit';
import { resultBelongsToRun } from '../../model/freshness';
import { UNTRUSTED_REPLAY, withDependents } from '../../model/replay-trust';
import { readGateResult, resultFile } from '../../report/result';
import { verifyGateOutputs } from '../../report/result-signature';
import type { TableRow } from '../../report/table';


/** Each gate whose replayed outputs carry no trusted signature for this run's task, with why. */
export function untrustedReplays(
  workspaceRoot: string,
  project: string,
  gates: Iterable<string>,
  run: { runId: string; taskHashes?: Record<string, string> },
  key: crypto.KeyObject,
): Map<string, string> {
  const untrusted = new Map<string, string>();
  for (const gate of gates) {
    const result = readGateResult(workspaceRoot, project, gate);
    // No result file: the row already fails. This run's own result: nothing was replayed.
    if (!result && !fs.existsSync(resultFile(workspaceRoot, project, gate))) continue;
    if (result && resultBelongsToRun(result, run.runId)) continue;
    const taskHash = run.taskHashes?.[`${project}:${gate}`];
    const trust = taskHash ? verifyGateOutputs(workspaceRoot, project, gate, taskHash, key) : { trusted: false as const, why: 'the nested run recorded no task hash for it' };
    if (!trust.trusted) untrusted.set(gate, trust.why);
  }
  return untrusted;
}

/** The gates a target of the project waits for, as Nx sees them (plain target names of the same project). */
function dependsOnIn(context: ExecutorContext, project: string): (gate: string) => string[] {
  const targets = context.projectsConfigurations?.projects[project]?.targets ?? {};
  return (gate) =>
    (targets[gate]?.dependsOn ?? []).flatMap((entry) => {
      if (typeof entry === 'string') return entry.startsWith('^') ? [] : [entry];
      return entry.target && !entry.projects && !entry.dependencies ? [entry.target] : [];
    });
}

/** The gates to run again for these untrusted replays. */
export function gatesToRerun(context: ExecutorContext, project: string, gates: readonly string[], untrusted: Map<string, string>): string[] {
  return withDependents([...untrusted.keys()], gates, dependsOnIn(context, project));
}

/** Why a gate runs again: its own replay is untrusted (why), or it reads the outputs of one that is. */
export function rerunReason(why: string | undefined): string {
  return why ? `${UNTRUSTED_REPLAY} (${why})` : `it reads the outputs of a gate whose ${UNTRUSTED_REPLAY}`;
}

/** The line a re-ran gate gets (also its row's replayTrust). */
export function rerunNote(why: string | undefined): string {
  return `${rerunReason(why)}: re-ran`;
}

/**
 * Whether the first run's failure (Nx's non-zero exit) is explained by gates the re-run judged again: then the re-run's
 * exit alone counts. Any other failure of the first run stands.
 */
export function firstFailureStands<Row extends TableRow>(first: { rows: Map<string, Row>; nxFailed: boolean }, rerun: readonly string[]): boolean {
  if (!first.nxFailed) return false;
  const failing = [...first.rows].filter(([, row]) => row.status === 'failed' || row.status === 'interrupted');
  return failing.length === 0 || failing.some(([gate]) => !rerun.includes(gate));
}

/**
 * The rows after the re-run: a re-ran gate takes its row from the second run, which must have written its result
 * itself (the cache was skipped); otherwise it fails, since only the untrusted replay vouches for it.
 */
export function mergeRerun<Row extends TableRow>(
  first: Map<string, Row>,
  second: Map<string, Row>,
  rerun: { gates: readonly string[]; untrusted: Map<string, string>; resultIsTheRerun: (gate: string) => boolean; notRun: { status: Row['status']; reason: string } },
): Map<string, Row> {
  const rows = new Map(first);
  for (const [gate, row] of second) rows.set(gate, row);
  for (const gate of rerun.gates) {
    const note = rerunNote(rerun.untrusted.get(gate));
    const row = second.get(gate);
    if (row && rerun.resultIsTheRerun(gate)) {
      rows.set(gate, { ...row, replayTrust: note });
      continue;
    }
    const base = row ?? first.get(gate);
    const reason = row ? `${rerunReason(rerun.untrusted.get(gate))}, and the re-run did not write its own result; run it again` : rerun.notRun.reason;
    if (base) rows.set(gate, { ...base, status: row ? 'failed' : rerun.notRun.status, source: row ? base.source : 'not run', figure: '', checked: null, reason, replayTrust: note });
    else rows.delete(gate);
  }
  return rows;
}

/** Whether the gate's result on disk is the one the re-run (run id) wrote. */
export function writtenBy(workspaceRoot: string, project: string, runId: string): (gate: string) => boolean {
  return (gate) => resultBelongsToRun(readGateResult(workspaceRoot, project, gate), runId);
}
