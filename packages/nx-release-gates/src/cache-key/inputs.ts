/**
 * The single source of truth for what invalidates a gate's cache entry (docs/cache-key.md: "What is in a gate's cache key").
 *
 * In: the crate's own files (sources, build.rs, Cargo.toml, tests, README: package contents matter to gate-package),
 * the build-relevant files of crates it depends on by path (not their tests or docs), the Cargo workspace's root
 * Cargo.toml, the Cargo.lock packages the crate uses (as external nodes), the emergency skip and the gate's own
 * variables, and a runtime fingerprint (fingerprint.ts) of what no file input sees: the toolchain as rustup picks it
 * for the crate folder, the CUDA toolkit, every cargo config file cargo reads (ancestors and CARGO_HOME and what they
 * include, by content, gitignored or not), rustfmt's configuration files, the wrappers, linkers and runners config or
 * variables name by path, the variables of the families cargo and build scripts read, and path dependencies outside the
 * Nx workspace, and the crate's entries in release-gates.lock (learned inputs by content, contradicted keys). The gates that package the crate also hash the files its manifest names outside its folder
 * (`readme = "../README.md"`, `license-file = "../LICENSE"`): cargo puts them in the .crate.
 * Out: target/ (cargo's cache, never an Nx input or output), dist/ (the gates' own results) and the workflows
 * generator's record of its options (gate-workflows' state input alone reads it).
 * The gates' processes get only the variables this key covers (gate-environment.ts), so no other can change a verdict.
 */
import * as path from 'node:path';
import type { TargetConfiguration } from '@nx/devkit';
import type { CrateModel } from '../model/crate-model';
import { joinRoot } from '../model/crate-model';
import { hostTriple, hyphenatedCompilerVariables } from '../model/env-families';
import { fingerprintArgList } from './fingerprint';
import { LEARNED_FILE } from './learned-inputs';
import { OPTIONS_RECORD } from '../generators/workflows/workflow-files';
import { runtimeCommand } from './runtime-args';
import type { GateStateKind } from '../model/state-kinds';

/** Named inputs each crate project carries (so `^` can refer to them in dependencies). */
export const CRATE_FILES = 'rust-crate';
export const CRATE_BUILD_FILES = 'rust-crate-build';

/** Globs of the named inputs, with `{projectRoot}` left in (the undeclared-input check evaluates them too). */
export const CRATE_NAMED_INPUTS: Readonly<Record<string, readonly string[]>> = {
  // A standalone crate's Cargo.lock lives in its folder: left out here as everywhere, its packages are hashed as
  // external nodes (cargo/lockfile.ts), so a lockfile edit misses only when a package the crate uses changed.
  // release-gates.lock likewise: the fingerprint prints each crate's own entries, so a crate learning an input
  // re-keys that crate's gates, not every gate of every crate sharing the file.
  // The workflows generator's record of its options: only gate-workflows reads it (its state input), so a crate at the
  // workspace root, whose folder holds .github/, does not re-key every gate when the generator records new options.
  [CRATE_FILES]: ['{projectRoot}/**/*', '!{projectRoot}/target/**', '!{projectRoot}/Cargo.lock', `!{projectRoot}/${LEARNED_FILE}`, `!{projectRoot}/${OPTIONS_RECORD}`],
  [CRATE_BUILD_FILES]: [
    '{projectRoot}/**/*',
    '!{projectRoot}/target/**',
    '!{projectRoot}/Cargo.lock',
    `!{projectRoot}/${LEARNED_FILE}`,
    `!{projectRoot}/${OPTIONS_RECORD}`,
    '!{projectRoot}/tests/**',
    '!{projectRoot}/benches/**',
    '!{projectRoot}/examples/**',
    '!{projectRoot}/**/*.md',
  ],
};

export function crateNamedInputs(): Record<string, string[]> {
  return Object.fromEntries(Object.entries(CRATE_NAMED_INPUTS).map(([name, globs]) => [name, [...globs]]));
}

/** The emergency skip: part of every gate's hash, so a skipped result never replays into a normal run. */
export const EMERGENCY_ENV_INPUTS = ['RELEASE_GATES_SKIP', 'RELEASE_GATES_SKIP_REASON', 'RELEASE_GATES_SKIP_UNTIL'] as const;

/** Files outside the crate folder that Nx hashes by path: the workspace manifest, and Cargo.lock's appearance. */
function workspaceFiles(crate: CrateModel): string[] {
  // Cargo.lock itself is not listed when it exists: its packages are external nodes (cargo/lockfile.ts), so an edit
  // invalidates only the crates whose dependencies changed. Without one, cargo resolves afresh: its appearance counts.
  const files = [joinRoot(crate.workspaceRoot, 'Cargo.toml'), ...(crate.lockfile ? [] : [joinRoot(crate.workspaceRoot, 'Cargo.lock')])];
  return [...new Set(files)].map((f) => `{workspaceRoot}/${f}`);
}

/** The gates whose verdict depends on what `cargo package` puts in the .crate. */
export const PACKAGING_GATES: ReadonlySet<string> = new Set(['package', 'publish', 'install']);

/**
 * The files the manifest names that cargo packages from outside the crate folder (readme, license-file), as Nx file
 * inputs; inside the crate folder the crate's own files already cover them, outside the Nx workspace no file input
 * can reach them.
 */
export function packagedFileInputs(crate: CrateModel, workspaceRoot: string): string[] {
  const named = [crate.publishMetadata?.readme, crate.publishMetadata?.licenseFile].filter((f): f is string => typeof f === 'string' && f !== '');
  const crateDir = path.resolve(workspaceRoot, crate.root);
  const files = named
    .map((f) => path.relative(workspaceRoot, path.resolve(crateDir, f)).split(path.sep).join('/'))
    .filter((rel) => rel !== '' && !rel.startsWith('../') && !path.isAbsolute(rel) && !(crate.root === '.' || rel.startsWith(`${crate.root}/`)));
  return [...new Set(files)].sort().map((f) => `{workspaceRoot}/${f}`);
}

/** Path dependencies outside the Nx workspace: no Nx file input can reach them, the fingerprint hashes them. */
export function outsideTrees(crate: CrateModel): string[] {
  return [...new Set(crate.pathDependencies.map((d) => d.root).filter((root) => root === '..' || root.startsWith('../')))].sort();
}

/** The runtime input: a small script of this package, run by path relative to the workspace root, for one crate. */
export function fingerprintRuntimeInput(workspaceRoot: string, crate: CrateModel, envPatterns: readonly string[] = []): string {
  const args = fingerprintArgList({ crateRoot: crate.root, envPatterns: [...envPatterns], trees: outsideTrees(crate) });
  return runtimeCommand(workspaceRoot, path.join(__dirname, 'fingerprint-cli.js'), args);
}

/**
 * The per-gate runtime input of a cacheable gate that reads outside state (GateDefinition.stateInput): a script of
 * this package printing that state (state-lines.ts). Workspace-wide kinds print the same command for every crate, so
 * Nx runs it once per run.
 */
export function gateStateRuntimeInput(workspaceRoot: string, crate: CrateModel, kind: GateStateKind): string {
  return runtimeCommand(workspaceRoot, path.join(__dirname, 'gate-state-cli.js'), [kind, ...(kind === 'lockfile' ? [crate.workspaceRoot] : [])]);
}

export function gateInputs(
  crate: CrateModel,
  workspaceRoot: string,
  gateEnv: readonly string[] = [],
  envPatterns: readonly string[] = [],
  stateKind?: GateStateKind,
  gateName?: string,
): TargetConfiguration['inputs'] {
  return [
    CRATE_FILES,
    `^${CRATE_BUILD_FILES}`,
    ...workspaceFiles(crate),
    // gate-package fails a .crate holding release-gates.lock: the file's appearance in the crate folder is keyed there.
    ...(gateName && PACKAGING_GATES.has(gateName) ? [...packagedFileInputs(crate, workspaceRoot), `{projectRoot}/${LEARNED_FILE}`] : []),
    ...[...EMERGENCY_ENV_INPUTS, ...gateEnv, ...hyphenatedCompilerVariables([hostTriple()].filter((t): t is string => t !== null))].map((env) => ({ env })),
    { runtime: fingerprintRuntimeInput(workspaceRoot, crate, envPatterns) },
    ...(stateKind ? [{ runtime: gateStateRuntimeInput(workspaceRoot, crate, stateKind) }] : []),
    { externalDependencies: crate.externalDependencies },
  ];
}
