/**
 * The workflows generator's options: defaults worked out from the workspace, validation with one-line errors, and
 * where they are recorded. They are recorded in OPTIONS_RECORD (.github/nx-release-gates.json), beside the files they
 * make: the next `nx g nx-release-gates:workflows` takes them as its defaults, and gate-workflows reads them to
 * regenerate the files in memory. Never in nx.json, which Nx hashes into every task. Only options the user gave are
 * recorded; defaults are derived again on every run (a new crate or a new rust-toolchain.toml then shows up as drift).
 */
import { readNxJson, Tree } from '@nx/devkit';
import { parse as parseToml } from 'smol-toml';
import { GateSpec, gateTarget, RELEASE_DRY_RUN } from '../../model/catalog';
import { checkPins } from './actions';
import { publishOrder, TreeCrate } from './crates-in-tree';
import { PlatformTarget, platformTargets } from './platform-targets';
import type { WorkflowsGeneratorSchema } from './schema';
import { OPTIONS_RECORD } from './workflow-files';

export const GENERATOR_KEY = 'nx-release-gates:workflows';
export const DEFAULT_CI_TARGETS = ['gate-build', 'gate-test', 'gate-doc'];
export const DEFAULT_NODE_VERSION = '22';
export const DEFAULT_RUNS_ON = ['ubuntu-latest'];
export const DEFAULT_ENVIRONMENT = 'release';
export const DEFAULT_TIMEOUT_MINUTES = 60;

export type PackageManagerName = NonNullable<WorkflowsGeneratorSchema['packageManager']>;
export type RemoteCacheMode = NonNullable<WorkflowsGeneratorSchema['remoteCache']>;
export const REMOTE_CACHE_MODES: readonly RemoteCacheMode[] = ['none', 'self-hosted', 'nx-cloud'];

export interface NormalizedWorkflowsOptions {
  crates: TreeCrate[];
  mainBranch: string;
  nodeVersion: string;
  packageManager: PackageManagerName;
  rustToolchain: string;
  /** Where rustToolchain came from, for the comment beside it. */
  rustToolchainSource: string;
  runsOn: string[];
  gpuRunsOn: string[] | null;
  nxCache: boolean;
  ciTargets: string[];
  skipFormat: boolean;
  /** Keep ~/.cargo and the target directories between runs (Swatinem/rust-cache). */
  cargoCache: boolean;
  /** The platform matrix the dry run and the release build. */
  targets: PlatformTarget[];
  /** GitHub environment of the publish job (approval rules, the registry secret). */
  environment: string;
  /** Publish with a short-lived crates.io token from trusted publishing instead of CARGO_REGISTRY_TOKEN. */
  trustedPublishing: boolean;
  /** Attest the release archives' build provenance (public repositories). */
  provenance: boolean;
  /** Action -> commit SHA it is pinned to. */
  pinActions: Record<string, string>;
  timeoutMinutes: number;
  /** Nx's remote cache in the workflows: none, a self-hosted server (Nx's HTTP cache API) or Nx Cloud. */
  remoteCache: RemoteCacheMode;
}

export class WorkflowsOptionError extends Error {}

const OPTION_KEYS: readonly (keyof WorkflowsGeneratorSchema)[] = [
  'crates',
  'mainBranch',
  'nodeVersion',
  'packageManager',
  'rustToolchain',
  'runsOn',
  'gpuRunsOn',
  'nxCache',
  'ciTargets',
  'skipFormat',
  'cargoCache',
  'targets',
  'environment',
  'trustedPublishing',
  'provenance',
  'pinActions',
  'timeoutMinutes',
  'remoteCache',
];

/** The options as given (Nx already merged the recorded ones in), without unknown keys or undefined values. */
export function optionsToRecord(schema: WorkflowsGeneratorSchema): WorkflowsGeneratorSchema {
  const recorded: Record<string, unknown> = {};
  for (const key of OPTION_KEYS) if (schema[key] !== undefined) recorded[key] = schema[key];
  return recorded as WorkflowsGeneratorSchema;
}

const RECORD_HINT = `fix it, or delete it and run \`nx g ${GENERATOR_KEY}\` again with the options you want`;

/** The options recorded in OPTIONS_RECORD, or null when the generator never ran in this workspace. */
export function recordedOptions(tree: Tree): WorkflowsGeneratorSchema | null {
  const text = tree.read(OPTIONS_RECORD, 'utf-8');
  if (text === null) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new WorkflowsOptionError(`${OPTIONS_RECORD} is not valid JSON (${(error as Error).message}); ${RECORD_HINT}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new WorkflowsOptionError(`${OPTIONS_RECORD} must hold one JSON object of the generator's options, not ${JSON.stringify(parsed)}; ${RECORD_HINT}`);
  }
  const unknown = Object.keys(parsed).filter((key) => !OPTION_KEYS.includes(key as keyof WorkflowsGeneratorSchema));
  if (unknown.length) throw new WorkflowsOptionError(`${OPTIONS_RECORD}: unknown option ${unknown.join(', ')}; known: ${OPTION_KEYS.join(', ')}`);
  return parsed as WorkflowsGeneratorSchema;
}

/** The record's text: one key per line, so a changed option is a one-line diff in review. */
export function recordText(options: WorkflowsGeneratorSchema): string {
  return `${JSON.stringify(options, null, 2)}\n`;
}

/** Writes the options to OPTIONS_RECORD, only when they changed (a second run changes no file). */
export function recordOptions(tree: Tree, options: WorkflowsGeneratorSchema): void {
  const text = recordText(options);
  if (tree.read(OPTIONS_RECORD, 'utf-8') !== text) tree.write(OPTIONS_RECORD, text);
}

const SAFE = /^[A-Za-z0-9._\/+-]+$/;

function checkList(name: string, values: unknown, allowEmpty = false): string[] | undefined {
  if (values === undefined) return undefined;
  const list = typeof values === 'string' ? values.split(',') : values;
  if (!Array.isArray(list) || list.some((v) => typeof v !== 'string')) throw new WorkflowsOptionError(`${name} must be a list of strings`);
  const cleaned = list.map((v: string) => v.trim()).filter(Boolean);
  if (!allowEmpty && cleaned.length === 0) throw new WorkflowsOptionError(`${name} must name at least one value`);
  return cleaned;
}

function checkSafe(name: string, value: string): string {
  if (!SAFE.test(value)) throw new WorkflowsOptionError(`${name} ${JSON.stringify(value)} has characters a workflow cannot carry safely; use letters, digits and . _ / + -`);
  return value;
}

function checkBoolean(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new WorkflowsOptionError(`${name} must be true or false, not ${JSON.stringify(value)}`);
  return value;
}

function checkTargets(value: unknown): PlatformTarget[] {
  const targets = platformTargets(value, checkSafe);
  if (typeof targets === 'string') throw new WorkflowsOptionError(targets);
  return targets;
}

function checkRemoteCache(value: unknown): RemoteCacheMode {
  if (value === undefined) return 'none';
  if (!REMOTE_CACHE_MODES.includes(value as RemoteCacheMode)) {
    throw new WorkflowsOptionError(`remoteCache must be ${REMOTE_CACHE_MODES.join(', ')}, not ${JSON.stringify(value)}`);
  }
  return value as RemoteCacheMode;
}

function checkTimeout(value: unknown): number {
  if (value === undefined) return DEFAULT_TIMEOUT_MINUTES;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 360) {
    throw new WorkflowsOptionError(`timeoutMinutes must be a whole number of minutes from 1 to 360 (GitHub's limit for hosted runners), not ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * `gates`: the gates ciTargets may name (the plugin's catalog, passed in by the caller); `all`: the workspace's crates
 * (readCratesInTree).
 */
export function normalizeOptions(tree: Tree, schema: WorkflowsGeneratorSchema, gates: readonly GateSpec[], all: TreeCrate[]): NormalizedWorkflowsOptions {
  const requested = checkList('crates', schema.crates);
  let selected: TreeCrate[];
  if (requested) {
    const unknown = requested.filter((name) => !all.some((c) => c.name === name));
    if (unknown.length) {
      throw new WorkflowsOptionError(
        `crates: no crate named ${unknown.join(', ')} in this workspace; its crates: ${all.map((c) => c.name).join(', ') || 'none'}`,
      );
    }
    selected = all.filter((c) => requested.includes(c.name));
  } else {
    // A publish = false crate is never released unless named in crates: cargo-fuzz crates, test harnesses and
    // examples have binaries, but no release, and their gates would fail the generated dry run for nothing.
    selected = all.filter((c) => c.publish);
  }
  if (selected.length === 0) {
    throw new WorkflowsOptionError(
      all.length
        ? `no crate to release: every crate has publish = false; name the ones you release with --crates (${all.map((c) => c.name).join(', ')})`
        : 'no Cargo.toml with a [package] in this workspace; add a crate first',
    );
  }

  const ciTargets = checkList('ciTargets', schema.ciTargets) ?? DEFAULT_CI_TARGETS;
  const known = [...gates.map(gateTarget), RELEASE_DRY_RUN];
  const unknownTargets = ciTargets.filter((t) => !known.includes(t));
  if (unknownTargets.length) throw new WorkflowsOptionError(`ciTargets: unknown target ${unknownTargets.join(', ')}; known: ${known.join(', ')}`);

  const gpuRunsOn = checkList('gpuRunsOn', schema.gpuRunsOn, true);
  if (gpuRunsOn?.length && !gates.some((g) => g.name === 'cuda')) throw new WorkflowsOptionError('gpuRunsOn needs the gate-cuda gate, which this plugin version lacks');
  const toolchain = rustToolchainOf(tree, schema.rustToolchain);
  const packageManager = schema.packageManager ?? detectPackageManagerInTree(tree);
  if (!['npm', 'yarn', 'pnpm', 'bun'].includes(packageManager)) throw new WorkflowsOptionError(`packageManager must be npm, yarn, pnpm or bun, not ${JSON.stringify(packageManager)}`);

  return {
    crates: publishOrder(selected),
    mainBranch: checkSafe('mainBranch', schema.mainBranch ?? defaultBase(tree)),
    nodeVersion: checkSafe('nodeVersion', String(schema.nodeVersion ?? nodeVersionFile(tree) ?? DEFAULT_NODE_VERSION)),
    packageManager,
    rustToolchain: checkSafe('rustToolchain', toolchain.value),
    rustToolchainSource: toolchain.source,
    runsOn: (checkList('runsOn', schema.runsOn) ?? DEFAULT_RUNS_ON).map((l) => checkSafe('runsOn label', l)),
    gpuRunsOn: gpuRunsOn?.length ? gpuRunsOn.map((l) => checkSafe('gpuRunsOn label', l)) : null,
    nxCache: schema.nxCache === true,
    ciTargets,
    skipFormat: schema.skipFormat === true,
    cargoCache: checkBoolean('cargoCache', schema.cargoCache, true),
    targets: checkTargets(schema.targets),
    environment: checkSafe('environment', schema.environment ?? DEFAULT_ENVIRONMENT),
    trustedPublishing: checkBoolean('trustedPublishing', schema.trustedPublishing, false),
    provenance: checkBoolean('provenance', schema.provenance, true),
    pinActions: checkPins(schema.pinActions, (message) => new WorkflowsOptionError(message)),
    timeoutMinutes: checkTimeout(schema.timeoutMinutes),
    remoteCache: checkRemoteCache(schema.remoteCache),
  };
}

function defaultBase(tree: Tree): string {
  const nxJson = readNxJson(tree);
  return nxJson?.defaultBase ?? (nxJson as { affected?: { defaultBase?: string } } | null)?.affected?.defaultBase ?? 'main';
}

function nodeVersionFile(tree: Tree): string | null {
  for (const file of ['.nvmrc', '.node-version']) {
    const content = tree.read(file, 'utf-8')?.trim();
    if (content) return content.replace(/^v(?=\d)/, '');
  }
  return null;
}

export function rustToolchainOf(tree: Tree, given: string | undefined): { value: string; source: string } {
  if (given) return { value: given, source: 'the rustToolchain option' };
  for (const file of ['rust-toolchain.toml', 'rust-toolchain']) {
    const content = tree.read(file, 'utf-8');
    if (content === null) continue;
    try {
      const channel = (parseToml(content) as any)?.toolchain?.channel;
      if (typeof channel === 'string' && channel) return { value: channel, source: file };
    } catch {
      // The legacy rust-toolchain file may hold just the channel name.
    }
    const plain = content.trim();
    if (plain && !plain.includes('\n') && SAFE.test(plain)) return { value: plain, source: file };
  }
  return { value: 'stable', source: 'the default (no rust-toolchain.toml)' };
}

export function detectPackageManagerInTree(tree: Tree): PackageManagerName {
  if (tree.exists('bun.lockb') || tree.exists('bun.lock')) return 'bun';
  if (tree.exists('pnpm-lock.yaml')) return 'pnpm';
  if (tree.exists('yarn.lock')) return 'yarn';
  return 'npm';
}
