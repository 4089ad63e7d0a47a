/**
 * Reads every crate of the Nx workspace: one `cargo metadata --no-deps` per Cargo workspace, cached on disk under
 * Nx's workspace data folder, keyed by the content of the manifests that call reads, the lockfile and this
 * plugin's version. Failures are never cached on disk: a crate cargo cannot read becomes a model with `error`
 * set, so its gates fail with cargo's reason while every other crate keeps working.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CrateModel, joinRoot } from '../model/crate-model';
import { CargoMetadata, cratesFromMetadata } from '../parsers/cargo-metadata';
import { CARGO_NOT_FOUND, summarizeCargoError } from '../parsers/cargo-errors';
import { directExternalDependencies, LockGraph, lockGraph, LockPackage, parseLockfile, resolveLock } from '../parsers/lockfile';
import { describeManifest, groupManifests, isBuildOutputManifest, ManifestGroup, ManifestInfo } from '../parsers/manifest-groups';
import { runCommand } from './process';
import { pluginDataDirectory } from '../util/data-directory';
import { readJsonIfExists, writeFileAtomic } from '../util/files';
import { sha256 } from '../util/hash';
import { PLUGIN_VERSION } from '../util/plugin-version';

const CRATE_INDEX = 'crate-index.json';

export interface WorkspaceCrates {
  crates: CrateModel[];
  /** Cargo.lock packages of every Cargo workspace, as Nx external nodes and the edges between them. */
  lock: LockGraph;
}

interface GroupRead {
  crates: CrateModel[];
  lock: LockGraph;
}

/**
 * A package `cargo vendor` copied into the workspace (its folder holds the `.cargo-checksum.json` cargo checks it
 * against): a dependency's source, not a crate of this workspace, so no project (a vendor folder holds hundreds).
 */
function isVendoredManifest(file: string, workspaceRoot: string): boolean {
  return fs.existsSync(path.join(workspaceRoot, path.dirname(file), '.cargo-checksum.json'));
}

export async function readCrates(manifestFiles: readonly string[], workspaceRoot: string): Promise<WorkspaceCrates> {
  const all = new Set(manifestFiles);
  const manifests = manifestFiles
    .filter((f) => !isBuildOutputManifest(f, all) && !isVendoredManifest(f, workspaceRoot))
    .map((file) => describeManifest(file, fs.readFileSync(path.join(workspaceRoot, file), 'utf8')));
  const groups = groupManifests(manifests);
  const results = await mapLimited(groups, 4, (group) => readGroup(group, workspaceRoot));
  const crates = results.flatMap((r) => r.crates);
  const lock: LockGraph = { nodes: {}, edges: [] };
  for (const r of results) {
    Object.assign(lock.nodes, r.lock.nodes);
    lock.edges.push(...r.lock.edges);
  }
  writeCrateIndex(workspaceRoot, crates, lock.edges);
  return { crates, lock };
}

const NO_LOCK: LockGraph = { nodes: {}, edges: [] };

/** Reads the group's Cargo.lock into external nodes and gives each crate its direct external dependencies. */
function withLockfile(crates: CrateModel[], lockContent: string): GroupRead {
  if (!lockContent) return { crates, lock: NO_LOCK };
  let packages: LockPackage[];
  try {
    packages = parseLockfile(lockContent);
  } catch {
    // An unreadable Cargo.lock: cargo (and gate-lockfile) will say why; the file itself stays a cache input.
    return { crates, lock: NO_LOCK };
  }
  const resolved = resolveLock(packages);
  for (const crate of crates) crate.externalDependencies = directExternalDependencies(packages, crate, resolved);
  return { crates, lock: lockGraph(packages) };
}

/**
 * The crates of one Cargo workspace as `cargo metadata` reads them from disk (cached as readCrates caches them); a crate
 * cargo cannot read carries `error`. For callers that need cargo's own answer about a few crates (their binaries, for
 * the workflows generator) without the crate index inference writes.
 */
export async function readCargoWorkspace(group: ManifestGroup, workspaceRoot: string): Promise<CrateModel[]> {
  return (await readGroup(group, workspaceRoot)).crates;
}

async function readGroup(group: ManifestGroup, workspaceRoot: string): Promise<GroupRead> {
  const lockPath = path.join(workspaceRoot, joinRoot(group.root, 'Cargo.lock'));
  const lock = fs.existsSync(lockPath) ? fs.readFileSync(lockPath, 'utf8') : '';
  const sorted = [...group.manifests].sort((a, b) => a.file.localeCompare(b.file));
  const key = sha256(PLUGIN_VERSION, group.root, lock, ...sorted.flatMap((m) => [m.file, m.content]));
  const cacheFile = path.join(pluginDataDirectory(workspaceRoot), 'metadata', `${key}.json`);
  const cached = readJsonIfExists<GroupRead>(cacheFile);
  if (cached) return cached;

  const broken = sorted.find((m) => m.parseError);
  const manifestPath = path.join(workspaceRoot, joinRoot(group.root, 'Cargo.toml'));
  const result = broken
    ? null
    : await runCommand('cargo', ['metadata', '--format-version', '1', '--no-deps', '--manifest-path', manifestPath], {
        cwd: path.dirname(manifestPath),
        live: false,
      });
  if (result && result.exitCode === 0) {
    const read = withLockfile(cratesFromMetadata(JSON.parse(result.stdout) as CargoMetadata, workspaceRoot, fs.existsSync), lock);
    const known = new Set(read.crates.map((c) => c.manifestPath));
    const missing = sorted.filter((m) => m.hasPackage && !m.isWorkspaceRoot && !known.has(m.file));
    writeFileAtomic(cacheFile, JSON.stringify(read));
    // A package under the workspace folder that the workspace does not list: cargo reads it on its own.
    const strays = await Promise.all(missing.map((m) => readGroup({ root: m.dir, manifests: [m] }, workspaceRoot)));
    return {
      crates: [...read.crates, ...strays.flatMap((s) => s.crates)],
      lock: { nodes: Object.assign({}, read.lock.nodes, ...strays.map((s) => s.lock.nodes)), edges: [...read.lock.edges, ...strays.flatMap((s) => s.lock.edges)] },
    };
  }
  const reason = broken
    ? `${broken.file} is not valid TOML: ${broken.parseError}; fix the manifest and run again`
    : result?.notFound
      ? CARGO_NOT_FOUND
      : `cargo could not read ${joinRoot(group.root, 'Cargo.toml')}: ${summarizeCargoError(result?.stderr ?? '')}`;
  return { crates: sorted.filter((m) => m.hasPackage).map((m) => brokenCrate(m, group, reason)), lock: NO_LOCK };
}

function brokenCrate(manifest: ManifestInfo, group: ManifestGroup, error: string): CrateModel {
  return {
    name: manifest.packageName ?? path.posix.basename(manifest.dir === '.' ? process.cwd() : manifest.dir),
    version: '0.0.0',
    root: manifest.dir,
    manifestPath: manifest.file,
    workspaceRoot: group.root,
    workspaceManifestPath: joinRoot(group.root, 'Cargo.toml'),
    lockfile: null,
    targetDirectory: path.join(manifest.dir, 'target'),
    binaries: [],
    hasLibrary: false,
    features: {},
    publish: false,
    pathDependencies: [],
    packageWith: [],
    registryDependencies: [],
    externalDependencies: [],
    releaseGatesMetadata: { package: null, workspace: null },
    error,
  };
}

/** The executors read crates from here instead of running cargo metadata again for every task. */
function writeCrateIndex(workspaceRoot: string, crates: CrateModel[], lockEdges: LockGraph['edges']): void {
  const file = path.join(pluginDataDirectory(workspaceRoot), CRATE_INDEX);
  const content = JSON.stringify({ version: PLUGIN_VERSION, crates: Object.fromEntries(crates.map((c) => [c.root, c])), lockEdges });
  const previous = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  if (previous !== content) writeFileAtomic(file, content);
}

/** The crate rooted at `root`, from the index inference wrote; reads its Cargo workspace again if the index lacks it. */
export async function readCrateAt(root: string, workspaceRoot: string): Promise<CrateModel | null> {
  const index = readJsonIfExists<{ version: string; crates: Record<string, CrateModel> }>(
    path.join(pluginDataDirectory(workspaceRoot), CRATE_INDEX),
  );
  if (index?.version === PLUGIN_VERSION && index.crates[root]) return index.crates[root];
  const manifest = describeManifest(joinRoot(root, 'Cargo.toml'), fs.readFileSync(path.join(workspaceRoot, root, 'Cargo.toml'), 'utf8'));
  const { crates } = await readGroup({ root, manifests: [manifest] }, workspaceRoot);
  return crates.find((c) => c.root === root) ?? null;
}

async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  });
  await Promise.all(workers);
  return results;
}
