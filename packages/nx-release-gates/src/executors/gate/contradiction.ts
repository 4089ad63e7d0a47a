/**
 * A contradiction invalidates: when a cacheable gate's fresh run fails and Nx's local cache holds a pass for the very
 * same task hash, the key missed something this run read, and the next plain run would replay that pass (Nx caches
 * no failure). The key is recorded as `[[contradicted]]` in the crate's release-gates.lock; the fingerprint prints
 * it, so the crate's key changes and that pass is never replayed again. The result says which input the run could
 * not account for, when the undeclared-input check (or tracing) found one.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import type { GateDefinition } from '../../gates/types';
import type { UndeclaredInput } from '../../cache-key/undeclared-inputs';
import { learnedFileFor, recordLearned } from '../../cache-key/learned-inputs';
import { cachedEntry, localCacheFolders } from '../../ops/nx-cache';
import { GateResult, isFailure, resultFolder } from '../../report/result';
import type { GateEffects } from './effects';

export const NOTHING_FOUND = 'no input found: the key misses something this run read; tracing and the undeclared-input check found nothing';

/** Which input the run could not account for, from what the undeclared-input check listed. */
export function contradictionExplanation(details: Record<string, unknown>): string {
  const found = (Array.isArray(details.undeclaredInputs) ? details.undeclaredInputs : []) as UndeclaredInput[];
  if (found.length === 0) return NOTHING_FOUND;
  const [first] = found;
  const more = found.length > 1 ? ` and ${found.length - 1} more (details.undeclaredInputs)` : '';
  return `the run read ${first.kind === 'env' ? 'variable' : 'file'} ${first.name}${more}, which the key did not cover (${first.why})`;
}

/** Whether the cached entry is a pass: its result file says so; without one, Nx cached it, so it passed unless failures are cached. */
export function cachedPass(content: string | null, env: Readonly<Record<string, string | undefined>>): boolean {
  if (content === null) return env.NX_CACHE_FAILURES !== 'true';
  try {
    const status = (JSON.parse(content) as { status?: unknown }).status;
    return typeof status === 'string' && !isFailure(status as GateResult['status']);
  } catch {
    return false;
  }
}

/** The Cargo workspace folder of a crate as the file system shows it: the nearest folder up with a Cargo.lock. */
function cargoWorkspaceDir(workspaceRoot: string, crateRoot: string): string {
  let dir = crateRoot;
  for (;;) {
    if (fs.existsSync(path.join(workspaceRoot, dir, 'Cargo.lock'))) return dir;
    if (dir === '.' || dir === '') return crateRoot;
    dir = path.dirname(dir);
  }
}

/** The result, with the contradiction recorded and said when there is one. */
export async function withContradiction(result: GateResult, gate: GateDefinition, context: ExecutorContext, fx: Pick<GateEffects, 'env' | 'log'>, folders?: readonly string[]): Promise<GateResult> {
  if (result.status !== 'failed' || !gate.cacheable) return result;
  const key = fx.env.NX_TASK_HASH ?? context.taskGraph?.tasks[`${result.project}:${result.gate}`]?.hash;
  if (!key) return result;
  const file = path.join(resultFolder(result.project, result.targetTriple), `${result.gate}.json`);
  const entry = cachedEntry(folders ?? localCacheFolders(context.root, fx.env), key, file);
  if (!entry || !cachedPass(entry.content, fx.env)) return result;
  const crateRoot = context.projectsConfigurations?.projects[result.project]?.root ?? '.';
  const lock = learnedFileFor(context.root, crateRoot, cargoWorkspaceDir(context.root, crateRoot));
  const what = `${result.project}:${result.gate}`;
  try {
    await recordLearned(lock, { contradicted: [{ crate: result.crate, gate: result.gate, key }] }, what);
  } catch (error) {
    fx.log.warn(`${what}: could not record the contradicted key ${key} in ${path.relative(context.root, lock)}: ${(error as Error).message}`);
    return result;
  }
  const explanation = contradictionExplanation(result.details);
  fx.log.warn(`${what}: Nx's cache holds a pass for this key (${key}) that this run contradicts; recorded in release-gates.lock so it is never replayed (commit the file): ${explanation}`);
  return { ...result, details: { ...result.details, contradiction: { key, explanation } } };
}
