/**
 * The undeclared-input check as the source gates (build, cuda, test, doc) run it after cargo: cargo's records of
 * this build (dep-info, build-script output) against what this task's hash covers. `warn` lists what the hash
 * misses in the result (details.undeclaredInputs), the table and a warning line; `deny` fails the gate.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cargoConfigFiles, cargoHome, replacedSourceFolders } from '../../ops/config-files';
import { cargoToolFiles, rustfmtConfigFiles } from '../../ops/keyed-files';
import { RESULTS_FOLDER } from '../../model/catalog';
import { ignoredPaths } from '../../ops/git';
import { nxIgnoredPaths } from '../../cache-key/nx-ignored';
import { collectBuildRecords } from '../../parsers/dep-info';
import { undeclaredInputs, undeclaredSummary, UndeclaredInput } from '../../cache-key/undeclared-inputs';
import type { CargoMessage } from '../../parsers/cargo-messages';
import type { TraceRecord } from '../../parsers/strace';
import { TracedFindings, tracedFindings, workspaceFilesToCheck } from '../../cache-key/traced-reads';
import type { GateContext, GateOutcome } from '../types';
import { learnUndeclaredInputs } from './learn-inputs';
import { cargoTargetDirectory } from '../../ops/target-directory';

/** The workspace files (relative, posix) Nx does not hash: those git ignores, and those a .nxignore file excludes. */
async function unhashedPaths(context: GateContext, paths: readonly string[]): Promise<Set<string>> {
  const ignored = await ignoredPaths(context, context.workspaceRoot, paths);
  for (const file of nxIgnoredPaths(context.workspaceRoot, paths)) ignored.add(file);
  return ignored;
}

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
  // Nx hashes what neither git nor .nxignore ignores.
  const ignored = await unhashedPaths(context, workspaceFiles.map((f) => f.split(path.sep).join('/')));
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

// ---- What tracing saw (ops/trace.ts): the same check over the files the gate's cargo process tree opened. ----

/** Folders whose files the key accounts for by other means: the toolchain, CARGO_HOME's pinned parts, build products. */
function accountedFolders(context: GateContext, records: readonly TraceRecord[]): string[] {
  const home = cargoHome(context.env);
  const rustupHome = context.env.RUSTUP_HOME ? path.resolve(context.env.RUSTUP_HOME) : path.join(os.homedir(), '.rustup');
  // The sysroot of each compiler the tree ran (the folder above its bin/), wherever the toolchain lives.
  const sysroots = records.filter((r) => r.op === 'exec' && /^(rustc|rustdoc|cargo|rustfmt|cargo-fmt)$/.test(path.basename(r.path))).map((r) => path.dirname(path.dirname(r.path)));
  // The CUDA toolkit: the folder above the bin/ of the nvcc the toolchain found, or of any nvcc the tree ran (found on
  // PATH the toolchain names it only as `nvcc`); its version is in the key.
  const nvccs = [
    ...(context.toolchain.cuda && path.isAbsolute(context.toolchain.cuda.nvcc) ? [context.toolchain.cuda.nvcc] : []),
    ...records.filter((r) => r.op === 'exec' && path.basename(r.path) === 'nvcc').map((r) => r.path),
  ];
  const cuda = nvccs.map((nvcc) => path.dirname(path.dirname(nvcc)));
  return [
    ...new Set([
      rustupHome,
      ...sysroots,
      ...cuda,
      // CARGO_HOME: registry and git checkouts pinned by Cargo.lock, installed tools, config files the fingerprint
      // hashes, and cargo's own bookkeeping (locks, the install list): nothing else a build reads lives there.
      home,
      // Vendored and local-registry sources: the fingerprint holds their files by content (vendored-sources.ts).
      ...replacedSourceFolders(context.crateDir, context.env),
      // Files the fingerprint keys by rule, whatever their names: cargo config files with what they include, the
      // programs config names by path, rustfmt's configuration.
      ...cargoConfigFiles(context.crateDir, context.env).map((c) => c.file),
      ...cargoToolFiles(context.crateDir, context.env),
      ...rustfmtConfigFiles(context.crateDir, context.env).map((c) => c.file),
      cargoTargetDirectory(context, context.env),
      path.join(context.crateDir, 'target'),
      ...(context.targetDirectory ? [context.targetDirectory] : []),
      path.join(context.workspaceRoot, '.nx'),
      path.join(context.workspaceRoot, RESULTS_FOLDER),
    ]),
  ];
}

const filesIn = (folder: string): string[] => {
  try {
    return fs.readdirSync(folder, { withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name);
  } catch {
    return [];
  }
};

/** The traced records of this gate's cargo calls, classified (git and .nxignore asked once which workspace files they ignore). */
export async function tracedInputsOf(context: GateContext, records: readonly TraceRecord[]): Promise<TracedFindings> {
  const facts = {
    workspaceRoot: context.workspaceRoot,
    crateDir: context.crateDir,
    home: os.homedir(),
    tempDir: os.tmpdir(),
    task: `${context.project}:gate-${context.gateName}`,
    declared: context.declaredInputs(),
    accountedFolders: accountedFolders(context, records),
    filesIn,
  };
  const ignored = await unhashedPaths(context, workspaceFilesToCheck(records, facts));
  return tracedFindings(records, { ...facts, ignored });
}

/**
 * The verdict with what tracing found, for every traced gate (the adapter calls it after the gate ran):
 * details.tracing says whether tracing ran and how much it saw; files cargo's own records did not already name join
 * details.undeclaredInputs, and fail the gate under `deny` as those do. Unavailable tracing is said, never silent.
 */
export async function withTracedInputs(context: GateContext, outcome: GateOutcome): Promise<GateOutcome> {
  const traced = context.tracedReads();
  if (!traced) return outcome;
  if (traced.mode === 'unavailable') {
    context.log.warn(`${context.project}:gate-${context.gateName}: reads were not traced: ${traced.reason}`);
    return { ...outcome, details: { ...outcome.details, tracing: { mode: 'unavailable', reason: traced.reason, reads: 0, unaccounted: 0 } } };
  }
  const { reads, unaccounted } = await tracedInputsOf(context, traced.records);
  const known = new Set(((outcome.details?.undeclaredInputs as UndeclaredInput[] | undefined) ?? []).map((u) => `${u.kind}\0${u.name}`));
  const fresh = unaccounted.filter((u) => !known.has(`${u.kind}\0${u.name}`));
  const tracing = { mode: 'strace', reads, unaccounted: unaccounted.length };
  if (fresh.length === 0) return { ...outcome, details: { ...outcome.details, tracing } };
  if (context.options.undeclaredInputs !== 'deny') {
    for (const input of fresh) context.log.warn(`${context.project}:gate-${context.gateName} read file ${input.name} (${input.readBy}, seen by tracing), ${input.why}; ${input.fix}`);
  }
  const all = [...((outcome.details?.undeclaredInputs as UndeclaredInput[] | undefined) ?? []), ...fresh];
  const judged = withUndeclaredInputs({ ...outcome, details: { ...outcome.details, tracing } }, fresh, context.options.undeclaredInputs);
  // What tracing found is learned like what cargo's records showed: recorded in release-gates.lock under `warn`.
  const learned = await learnUndeclaredInputs(context, { ...judged, details: { ...judged.details, undeclaredInputs: fresh } });
  const learnedNames = [...((outcome.details?.learned as string[] | undefined) ?? []), ...((learned.details?.learned as string[] | undefined) ?? [])];
  return { ...learned, details: { ...learned.details, undeclaredInputs: all, ...(learnedNames.length ? { learned: learnedNames } : {}) } };
}
