/**
 * Workspace siblings a crate's package and publish dry runs must include. `cargo package -p a` resolves a's path
 * dependencies against the registry, so a sibling that will be published in the same release (but is not on the
 * registry yet) fails it falsely. Since cargo 1.90 one `cargo package -p a -p b ...` (and `cargo publish --dry-run`)
 * packages the named crates together and resolves each against the others' local packages, so the gates that package
 * (through ops/cargo-package.ts) name the crate plus every workspace member it reaches through path dependencies.
 * Computed once at inference (CrateModel.packageWith), from the same cargo metadata call.
 */
import * as path from 'node:path';
import type { CrateModel } from './crate-model';
import type { Toolchain } from './toolchain';

interface MetadataDependency {
  name: string;
  path?: string;
  kind: string | null;
  req: string;
}

interface MetadataPackage {
  name: string;
  manifest_path: string;
  publish: string[] | null;
  dependencies: MetadataDependency[];
}

/**
 * The publishable workspace members each crate reaches through path dependencies (not itself), sorted: the members'
 * path edges are resolved once, then each crate's call walks them. Inference asks for every member, and resolving all
 * members' paths again for each crate made a 500-member workspace spend most of its inference here.
 */
export function pathSiblingFinder(metadata: { packages: MetadataPackage[] }): (crateName: string) => string[] {
  const byDir = new Map(metadata.packages.map((p) => [path.resolve(path.dirname(p.manifest_path)), p]));
  const edges = new Map<string, string[]>();
  for (const pkg of metadata.packages) {
    const next: string[] = [];
    for (const dep of pkg.dependencies) {
      if (!dep.path) continue;
      // A dev-dependency without a version is dropped from the published manifest: nothing to resolve.
      if (dep.kind === 'dev' && dep.req === '*') continue;
      const sibling = byDir.get(path.resolve(dep.path));
      if (!sibling) continue;
      if (Array.isArray(sibling.publish) && sibling.publish.length === 0) continue;
      next.push(sibling.name);
    }
    edges.set(pkg.name, next);
  }
  return (crateName) => {
    if (!edges.has(crateName)) return [];
    const seen = new Set<string>([crateName]);
    const queue = [crateName];
    for (let i = 0; i < queue.length; i++) {
      for (const sibling of edges.get(queue[i]) ?? []) {
        if (seen.has(sibling)) continue;
        seen.add(sibling);
        queue.push(sibling);
      }
    }
    seen.delete(crateName);
    return [...seen].sort();
  };
}

/** The publishable workspace members `crateName` reaches through path dependencies (not itself), sorted. */
export function pathSiblings(metadata: { packages: MetadataPackage[] }, crateName: string): string[] {
  return pathSiblingFinder(metadata)(crateName);
}

/** `cargo 1.95.0 (f2d3ce0bd 2026-03-21)` -> true from 1.90 on (multi-package `cargo publish`). */
export function cargoPublishesSeveral(cargoVersion: string | null): boolean {
  const match = /cargo (\d+)\.(\d+)/.exec(cargoVersion ?? '');
  if (!match) return false;
  const [major, minor] = [Number(match[1]), Number(match[2])];
  return major > 1 || (major === 1 && minor >= 90);
}

/** Workspace members packaged with this crate, when cargo can do it in one call (cargo >= 1.90). */
export function siblingsToInclude(context: { crate: Pick<CrateModel, 'packageWith'>; toolchain: Pick<Toolchain, 'cargo'> }): string[] {
  return cargoPublishesSeveral(context.toolchain.cargo) ? context.crate.packageWith : [];
}

/** `-p crate -p sibling ...` and the crate's features qualified so they reach it alone, when siblings come along. */
export function packageSelection(crateName: string, siblings: string[], features: string[]): { packages: string[]; features: string[] } {
  if (!siblings.length) return { packages: [], features };
  return {
    packages: ['-p', crateName, ...siblings.flatMap((s) => ['-p', s])],
    features: features.map((f) => (f.includes('/') ? f : `${crateName}/${f}`)),
  };
}
