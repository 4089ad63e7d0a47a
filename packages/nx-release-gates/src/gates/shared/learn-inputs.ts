/**
 * Learn once, key forever: under `undeclaredInputs: warn` every input the undeclared-input check found is recorded
 * in the crate's release-gates.lock (cache-key/learned-inputs.ts), whose entries the fingerprint hashes, so every
 * later run and every clone that has the committed file keys on it. Under `deny` (CI) nothing is written: a CI
 * checkout is thrown away, so the gate fails and says how to record the input where it can be committed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isSecretName } from '../../model/env-families';
import { LearnedRead, learnedFileFor, learnedName, learnedPath, recordLearned } from '../../cache-key/learned-inputs';
import type { UndeclaredInput } from '../../cache-key/undeclared-inputs';
import { failed, GateContext, GateOutcome } from '../types';

const DENIED = 'undeclared input (undeclaredInputs: deny)';

/** The fix for a denied input: record it on a laptop and commit the file. */
export function recordFix(project: string, gate: string): string {
  return `run \`nx run ${project}:${gate}\` on a laptop (undeclaredInputs: warn) to record it in release-gates.lock, and commit the file`;
}

/** What release-gates.lock records for findings: paths as learnedName writes them; secrets never (never hashed). */
export function readsToRecord(found: readonly UndeclaredInput[], crate: string, gate: string, workspaceRoot: string, home?: string): LearnedRead[] {
  const reads: LearnedRead[] = [];
  for (const input of found) {
    if (input.kind === 'env') {
      if (!isSecretName(input.name)) reads.push({ crate, gate, kind: 'env', name: input.name });
      continue;
    }
    const name = learnedName(input.name, workspaceRoot, home);
    const isDir = fs.statSync(learnedPath(name, workspaceRoot, home), { throwIfNoEntry: false })?.isDirectory() ?? false;
    reads.push({ crate, gate, kind: isDir ? 'dir' : 'file', name });
  }
  return reads;
}

/** The outcome after the undeclared-input check, with what it found recorded (warn) or the way to record it (deny). */
export async function learnUndeclaredInputs(context: GateContext, outcome: GateOutcome): Promise<GateOutcome> {
  const found = (outcome.details?.undeclaredInputs ?? []) as UndeclaredInput[];
  if (found.length === 0) return outcome;
  const gate = `gate-${context.gateName}`;
  if (context.options.undeclaredInputs === 'deny') {
    // The fix is said once, also when tracing's findings come after cargo's records.
    if (outcome.status !== 'failed' || !outcome.reason.startsWith(DENIED) || outcome.reason.includes('release-gates.lock')) return outcome;
    return failed(`${outcome.reason}; or ${recordFix(context.project, gate)}`, outcome.details);
  }
  const reads = readsToRecord(found, context.crate.name, gate, context.workspaceRoot);
  if (reads.length === 0) return outcome;
  const file = learnedFileFor(context.workspaceRoot, context.crate.root, context.crate.workspaceRoot);
  try {
    await recordLearned(file, { reads }, `${context.project}:${gate}`);
  } catch (error) {
    context.log.warn(`could not record what ${context.project}:${gate} read in ${path.relative(context.workspaceRoot, file)}: ${(error as Error).message}`);
    return outcome;
  }
  context.log.warn(`recorded ${reads.length} input(s) in release-gates.lock: commit it so every clone keys on them`);
  return { ...outcome, details: { ...outcome.details, learned: reads.map((r) => r.name) } };
}
