/**
 * Cargo.lock as Nx external nodes, so a lockfile edit invalidates only the crates that use what changed.
 * Each registry or git package becomes a node `cargo:<name>@<version>` whose hash is its checksum (or its source
 * with the commit, for git). A gate lists the crate's direct external dependencies as `externalDependencies`
 * inputs (through its path dependencies too); Nx hashes those nodes and, following the edges between them, their
 * whole closure. Measured on Nx 23.2.1: an empty `externalDependencies` list hashes no external node, while a target
 * without the input hashes every external node of the workspace.
 */
import { parse as parseToml } from 'smol-toml';

export interface LockPackage {
  name: string;
  version: string;
  source?: string;
  checksum?: string;
  dependencies: string[];
}

export interface ExternalNode {
  type: 'cargo';
  name: string;
  data: { version: string; packageName: string; hash: string };
}

export interface LockGraph {
  nodes: Record<string, ExternalNode>;
  /** Edges between external nodes: [source node, target node]. */
  edges: Array<[string, string]>;
}

export function parseLockfile(content: string): LockPackage[] {
  const toml = parseToml(content) as { package?: Array<Record<string, unknown>> };
  return (toml.package ?? []).map((p) => ({
    name: String(p.name),
    version: String(p.version),
    source: typeof p.source === 'string' ? p.source : undefined,
    checksum: typeof p.checksum === 'string' ? p.checksum : undefined,
    dependencies: Array.isArray(p.dependencies) ? p.dependencies.map(String) : [],
  }));
}

export const externalNodeName = (p: Pick<LockPackage, 'name' | 'version'>) => `cargo:${p.name}@${p.version}`;

/** `name`, `name version` or `name version (source)`, as Cargo.lock writes a dependency, resolved to its package. */
function resolver(packages: LockPackage[]): (spec: string) => LockPackage | undefined {
  const byName = new Map<string, LockPackage[]>();
  for (const p of packages) byName.set(p.name, [...(byName.get(p.name) ?? []), p]);
  return (spec) => {
    const [name, version, ...rest] = spec.split(' ');
    const source = rest.join(' ').replace(/^\(|\)$/g, '') || undefined;
    const candidates = byName.get(name) ?? [];
    return candidates.find((p) => (!version || p.version === version) && (!source || p.source === source));
  };
}

export function lockGraph(packages: LockPackage[]): LockGraph {
  const resolve = resolver(packages);
  const nodes: LockGraph['nodes'] = {};
  const edges: LockGraph['edges'] = [];
  for (const p of packages) {
    if (!p.source) continue;
    const name = externalNodeName(p);
    // The same name and version from two sources (crates.io and a git fork) share one node: hash both.
    const hash = [nodes[name]?.data.hash, p.checksum ?? p.source].filter(Boolean).join(' ');
    nodes[name] = { type: 'cargo', name, data: { version: p.version, packageName: p.name, hash } };
  }
  for (const p of packages) {
    if (!p.source) continue;
    for (const spec of p.dependencies) {
      const dep = resolve(spec);
      if (dep?.source) edges.push([externalNodeName(p), externalNodeName(dep)]);
    }
  }
  return { nodes, edges };
}

/** Each package's dependencies, resolved to packages once (a workspace asks for every crate of it). */
export type ResolvedLock = Map<LockPackage, LockPackage[]>;

export function resolveLock(packages: LockPackage[]): ResolvedLock {
  const resolve = resolver(packages);
  return new Map(packages.map((p) => [p, p.dependencies.map(resolve).filter((d): d is LockPackage => d !== undefined)]));
}

/**
 * External packages a crate uses directly, or through the workspace crates it depends on (a path dependency's
 * registry dependencies are compiled into the crate too). Nx adds their transitive closure itself.
 */
export function directExternalDependencies(packages: LockPackage[], crate: { name: string; version: string }, resolved: ResolvedLock = resolveLock(packages)): string[] {
  const start = packages.find((p) => !p.source && p.name === crate.name && p.version === crate.version);
  if (!start) return [];
  const found = new Set<string>();
  const visited = new Set<LockPackage>([start]);
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    for (const dep of resolved.get(queue[i]) ?? []) {
      if (dep.source) found.add(externalNodeName(dep));
      else if (!visited.has(dep)) {
        visited.add(dep);
        queue.push(dep);
      }
    }
  }
  return [...found].sort();
}
