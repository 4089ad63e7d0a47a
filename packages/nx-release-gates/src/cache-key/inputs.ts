/**
 * The single source of truth for what invalidates a gate's cache entry (docs/cache-key.md: "What is in a gate's cache key").
 *
 * In: the crate's own files (sources, build.rs, Cargo.toml, tests, README: package contents matter to gate-package),
 * the build-relevant files of crates it depends on by path (not their tests or docs; none for gate-fmt, which compiles
 * nothing: GateSpec.ownFilesOnly), the Cargo workspace's root
 * Cargo.toml, the Cargo.lock packages the crate uses (as external nodes), the emergency skip and the gate's own
 * variables, and a fingerprint (fingerprint.ts, computed once per run: fingerprint-env.ts) of what no file input sees: the toolchain as rustup picks it
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
import { fingerprintVariable } from './fingerprint-env';
import { LEARNED_FILE } from './learned-inputs';
import { OPTIONS_RECORD } from '../generators/workflows/workflow-files';
import { runtimeCommand } from './runtime-args';
import type { GateStateKind } from '../model/state-kinds';
import { OPTION_DEFINITIONS } from '../model/options';
import { RESULTS_FOLDER, findGateSpec } from '../model/catalog';
import type { GateSpec } from '../model/catalog';

/** Named inputs each crate project carries (so `^` can refer to them in dependencies). */
export const CRATE_FILES = 'rust-crate';
export const CRATE_BUILD_FILES = 'rust-crate-build';
export const CRATE_MANIFEST = 'rust-crate-manifest';

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
  // What gate-lockfile reads of a path dependency outside its Cargo workspace (its state input holds the rest).
  [CRATE_MANIFEST]: ['{projectRoot}/Cargo.toml'],
};

/** The emergency skip: part of every gate's hash, so a skipped result never replays into a normal run. */
export const EMERGENCY_ENV_INPUTS = ['RELEASE_GATES_SKIP', 'RELEASE_GATES_SKIP_REASON', 'RELEASE_GATES_SKIP_UNTIL'] as const;

/**
 * The variables every gate of every crate hashes: the emergency skip and the host's per-target compiler variables.
 * One named input per crate, which each gate names, instead of the same dozen entries written into each of its 14
 * targets: a crate's configuration is what Nx copies, merges, caches and hashes for every command, so at 500 crates
 * its size is a good part of a cold project graph.
 */
export const GATE_ENV = 'release-gates-env';

export function crateNamedInputs(): Record<string, Array<string | { env: string }>> {
  const host = hostTriple();
  return {
    ...Object.fromEntries(Object.entries(CRATE_NAMED_INPUTS).map(([name, globs]) => [name, [...globs]])),
    [GATE_ENV]: [...EMERGENCY_ENV_INPUTS, ...hyphenatedCompilerVariables(host ? [host] : [])].map((env) => ({ env })),
  };
}

/** Files outside the crate folder that Nx hashes by path: the workspace manifest, and Cargo.lock's appearance. */
function workspaceFiles(crate: CrateModel): string[] {
  // Cargo.lock itself is not listed when it exists: its packages are external nodes (cargo/lockfile.ts), so an edit
  // invalidates only the crates whose dependencies changed. Without one, cargo resolves afresh: its appearance counts.
  const files = [joinRoot(crate.workspaceRoot, 'Cargo.toml'), ...(crate.lockfile ? [] : [joinRoot(crate.workspaceRoot, 'Cargo.lock')])];
  return [...new Set(files)].map((f) => `{workspaceRoot}/${f}`);
}

/** The gates whose verdict depends on what `cargo package` puts in the .crate (gate-version: a resumed release's). */
export const PACKAGING_GATES: ReadonlySet<string> = new Set(['package', 'publish', 'install', 'version']);

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

/**
 * gate-docker's Dockerfile and build context when they lie outside the crate folder (inside it, the crate's own files
 * cover them); outside the Nx workspace no file input can reach them (gate-docker refuses such paths).
 */
export function dockerFileInputs(crate: CrateModel, workspaceRoot: string, options: StateOptions): string[] {
  const crateDir = path.resolve(workspaceRoot, crate.root);
  const inside = (rel: string) => rel !== '' && rel !== '..' && !rel.startsWith('../') && !path.isAbsolute(rel) && !(crate.root === '.' || rel === crate.root || rel.startsWith(`${crate.root}/`));
  const relative = (value: string) => path.relative(workspaceRoot, path.resolve(crateDir, value)).split(path.sep).join('/');
  const inputs: string[] = [];
  if (typeof options.dockerfile === 'string' && options.dockerfile && inside(relative(options.dockerfile))) inputs.push(`{workspaceRoot}/${relative(options.dockerfile)}`);
  if (typeof options.dockerContext === 'string' && options.dockerContext && inside(relative(options.dockerContext))) inputs.push(`{workspaceRoot}/${relative(options.dockerContext)}/**/*`);
  return inputs;
}

/** Path dependencies outside the Nx workspace: no Nx file input can reach them, the fingerprint hashes them. */
export function outsideTrees(crate: CrateModel): string[] {
  return [...new Set(crate.pathDependencies.map((d) => d.root).filter((root) => root === '..' || root.startsWith('../')))].sort();
}

/** The fingerprint of one crate as an input: the variable the preTasksExecution hook sets for it (fingerprint-env.ts). */
export function fingerprintInput(crate: CrateModel, envPatterns: readonly string[] = []): { env: string } {
  return { env: fingerprintVariable(fingerprintArgList({ crateRoot: crate.root, envPatterns: [...envPatterns], trees: outsideTrees(crate) })) };
}

/** What the state probes and file inputs read from the gate's options, as inference knows them (unset: the default). */
export interface StateOptions {
  registryIndex?: unknown;
  containerEngines?: unknown;
  dockerfile?: unknown;
  dockerContext?: unknown;
  /** gate-semver's switch: false skips it before it reads state (GateSpec.readsNoStateWhen). */
  semver?: unknown;
}

const optionDefault = (name: string): unknown => OPTION_DEFINITIONS.find((d) => d.name === name)?.default;

function stringOption(options: StateOptions, name: 'registryIndex'): string {
  const value = options[name] ?? optionDefault(name);
  return typeof value === 'string' ? value : '';
}

/** The registry names publishing may ask the index about: the crate and its non-dev path dependencies. */
function publishedNames(crate: CrateModel): string[] {
  return [crate.name, ...crate.pathDependencies.filter((d) => d.kind !== 'dev').map((d) => d.name)];
}

/** The probe's arguments for a kind (state-lines.ts reads them in this order). */
export function stateArgs(crate: CrateModel, kind: GateStateKind, options: StateOptions, gateName?: string): string[] {
  switch (kind) {
    case 'lockfile':
      return [crate.workspaceRoot];
    case 'registry':
      return [stringOption(options, 'registryIndex'), ...[...new Set(publishedNames(crate))].sort()];
    case 'tags':
      // On a tag push gate-version asks whether the tag is the checked-out commit: only its key holds HEAD.
      return [crate.name, ...(gateName === 'version' ? ['head'] : [])];
    case 'engines': {
      const engines = options.containerEngines ?? optionDefault('containerEngines');
      return Array.isArray(engines) ? engines.map(String) : [];
    }
    case 'resolution':
      return [stringOption(options, 'registryIndex'), crate.root, `${RESULTS_FOLDER}/${crate.name}/gate-install.json`, crate.lockfile ?? ''];
    case 'workflows':
    case 'semver-tool':
      return [];
  }
}

/**
 * The gate's state probes; a crate without Cargo.lock resolves afresh wherever the gate says so. A crate that is not
 * published (`publish = false`) is never looked up for gate-version, gate-publish or gate-install, which do not ask
 * the registry about it: its name stays off the network. gate-semver still asks for a baseline. A gate that skips for
 * a reason inference sees reads none (GateSpec.readsNoStateWhen).
 */
export function stateInputsOf(
  gate: Pick<GateSpec, 'name' | 'stateInputs' | 'stateInputsWithoutLockfile' | 'readsNoStateWhen'>,
  crate: Pick<CrateModel, 'lockfile' | 'publish' | 'hasLibrary'>,
  options: Record<string, unknown> = {},
): GateStateKind[] {
  if (gate.readsNoStateWhen?.(crate, options)) return [];
  const kinds = [...(gate.stateInputs ?? []), ...(crate.lockfile ? [] : (gate.stateInputsWithoutLockfile ?? []))];
  return crate.publish ? kinds : kinds.filter((k) => k !== 'resolution' && !(k === 'registry' && gate.name !== 'semver'));
}

/**
 * The state probes of a cacheable gate that reads outside state (GateSpec.stateInputs), `[kind, ...arguments]` each:
 * written into the target's metadata, probed by the gate's custom hasher (state-hasher.ts) into its key.
 */
export function gateStateProbes(crate: CrateModel, kinds: readonly GateStateKind[], options: StateOptions = {}, gateName?: string): string[][] {
  return kinds.map((kind) => [kind, ...stateArgs(crate, kind, options, gateName)]);
}

const ownFilesOnly = (gateName: string | undefined) => gateName !== undefined && findGateSpec(gateName)?.ownFilesOnly === true;

/**
 * The files a gate's verdict reads. A gate that compiles nothing reads the crate's own (GateSpec.ownFilesOnly). A
 * gate with a state input reads no source file: gate-workflows' state is its whole
 * verdict (the drift report), gate-lockfile's holds the lockfile and every manifest of its Cargo workspace, plus the
 * manifests of the path dependencies it resolves here; a comment in src/main.rs re-runs neither.
 */
function fileInputs(crate: CrateModel, workspaceRoot: string, stateKinds: readonly GateStateKind[], gateName: string | undefined, options: StateOptions): string[] {
  if (stateKinds.includes('workflows')) return [];
  if (stateKinds.includes('lockfile')) return [CRATE_MANIFEST, `^${CRATE_MANIFEST}`, ...workspaceFiles(crate)];
  if (ownFilesOnly(gateName)) return [CRATE_FILES, ...workspaceFiles(crate)];
  return [
    CRATE_FILES,
    `^${CRATE_BUILD_FILES}`,
    ...workspaceFiles(crate),
    // gate-package fails a .crate holding release-gates.lock: the file's appearance in the crate folder is keyed there.
    ...(gateName && PACKAGING_GATES.has(gateName) ? [...packagedFileInputs(crate, workspaceRoot), `{projectRoot}/${LEARNED_FILE}`] : []),
    ...(gateName === 'docker' ? dockerFileInputs(crate, workspaceRoot, options) : []),
  ];
}

export function gateInputs(
  crate: CrateModel,
  workspaceRoot: string,
  gateEnv: readonly string[] = [],
  envPatterns: readonly string[] = [],
  stateKinds: readonly GateStateKind[] = [],
  gateName?: string,
  options: StateOptions = {},
): TargetConfiguration['inputs'] {
  return [
    ...fileInputs(crate, workspaceRoot, stateKinds, gateName, options),
    GATE_ENV,
    ...gateEnv.map((env) => ({ env })),
    // Whether the hook computed it for this run and environment: checked by the gates' custom hasher (state-hasher.ts).
    fingerprintInput(crate, envPatterns),
    // An empty list hashes no external node (without the input Nx would hash every one: parsers/lockfile.ts).
    { externalDependencies: ownFilesOnly(gateName) ? [] : crate.externalDependencies },
  ];
}
