/**
 * The undeclared-input check as the source gates (build, cuda, test, doc) run it after cargo: cargo's records of
 * this build (dep-info, build-script output) against what this task's hash covers. `warn` lists what the hash
 * misses in the result (details.undeclaredInputs), the table and a warning line; `deny` fails the gate.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cargoHome } from '../../ops/config-files';
import { ignoredPaths } from '../../ops/git';
import { collectBuildRecords } from '../../parsers/dep-info';
import { undeclaredInputs, undeclaredSummary, UndeclaredInput } from '../../cache-key/undeclared-inputs';
import type { CargoMessage } from '../../parsers/cargo-messages';
import type { GateContext, GateOutcome } from '../types';
import { learnUndeclaredInputs } from './learn-inputs';

/** Cargo's target directory holding `file`: the nearest folder above it with cargo's CACHEDIR.TAG. */
function targetDirectoryOf(file: string): string | null {
  let dir = path.dirname(file);
  for (;;) {
    if (fs.existsSync(path.join(dir, 'CACHEDIR.TAG'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

export async function undeclaredInputsOf(context: GateContext, messages: readonly CargoMessage[]): Promise<UndeclaredInput[]> {
  const records = collectBuildRecords(messages, path.join(context.workspaceRoot, context.crate.workspaceRoot));
  if (records.files.length === 0 && records.env.length === 0) return [];
  const generatedFolders = new Set<string>();
  for (const m of messages) for (const f of m.filenames ?? []) {
    const dir = targetDirectoryOf(f);
    if (dir) generatedFolders.add(dir);
  }
  const home = cargoHome(context.env);
  const rustupHome = context.env.RUSTUP_HOME ? path.resolve(context.env.RUSTUP_HOME) : path.join(os.homedir(), '.rustup');
  const generated = [...generatedFolders, ...records.outDirs];
  const workspaceFiles = [
    ...new Set(
      records.files
        .filter((f) => !generated.some((g) => f.file.startsWith(g + path.sep)))
        .map((f) => path.relative(context.workspaceRoot, f.file))
        .filter((r) => !r.startsWith('..') && !path.isAbsolute(r)),
    ),
  ];
  // Nx hashes what git does not ignore.
  const ignored = await ignoredPaths(context, context.workspaceRoot, workspaceFiles.map((f) => f.split(path.sep).join('/')));
  return undeclaredInputs(records, {
    workspaceRoot: context.workspaceRoot,
    task: `${context.project}:gate-${context.gateName}`,
    declared: context.declaredInputs(),
    ignored,
    pinnedFolders: [path.join(home, 'registry'), path.join(home, 'git'), rustupHome],
    generatedFolders: [...generatedFolders],
  });
}

/** The verdict with the check's findings: unchanged under `warn` (findings in details), failed under `deny`. */
export function withUndeclaredInputs(outcome: GateOutcome, found: readonly UndeclaredInput[], mode: 'warn' | 'deny'): GateOutcome {
  if (found.length === 0) return outcome;
  const details = { ...outcome.details, undeclaredInputs: found };
  if (mode === 'deny' && outcome.status !== 'failed') {
    return { status: 'failed', reason: `undeclared input (undeclaredInputs: deny): ${undeclaredSummary(found)}`, details };
  }
  return { ...outcome, details };
}

/** Runs the check and applies it; a warning line per finding under `warn`. */
export async function checkUndeclaredInputs(context: GateContext, messages: readonly CargoMessage[], outcome: GateOutcome): Promise<GateOutcome> {
  const found = await undeclaredInputsOf(context, messages);
  if (context.options.undeclaredInputs !== 'deny') {
    for (const input of found) context.log.warn(`${context.project}:gate-${context.gateName} read ${input.kind === 'env' ? 'variable' : 'file'} ${input.name} (${input.readBy}), ${input.why}; ${input.fix}`);
  }
  return learnUndeclaredInputs(context, withUndeclaredInputs(outcome, found, context.options.undeclaredInputs));
}
