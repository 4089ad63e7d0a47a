/**
 * Groups Cargo.toml files into Cargo workspaces before cargo runs, so inference makes one `cargo metadata` call per
 * Cargo workspace (not per crate) and can key its cache on exactly the files that call reads. Follows cargo's rule:
 * a package belongs to the nearest ancestor manifest with a `[workspace]` table, unless that workspace excludes it
 * or the package names another workspace with `package.workspace`.
 */
import * as path from 'node:path';
import { parse as parseToml } from 'smol-toml';

export interface ManifestInfo {
  /** Relative to the Nx workspace root, posix separators. */
  file: string;
  dir: string;
  content: string;
  isWorkspaceRoot: boolean;
  hasPackage: boolean;
  packageName?: string;
  /** The manifest is not valid TOML: cargo will say why. */
  parseError?: string;
  workspaceExcludes: string[];
  explicitWorkspace?: string;
}

export interface ManifestGroup {
  /** Folder of the workspace root manifest (or of the standalone package). */
  root: string;
  manifests: ManifestInfo[];
}

const posix = path.posix;

export function describeManifest(file: string, content: string): ManifestInfo {
  const dir = posix.dirname(file);
  const info: ManifestInfo = { file, dir, content, isWorkspaceRoot: false, hasPackage: false, workspaceExcludes: [] };
  try {
    const toml = parseToml(content) as Record<string, any>;
    const workspace = toml.workspace;
    const pkg = toml.package;
    info.isWorkspaceRoot = !!workspace && typeof workspace === 'object';
    info.hasPackage = !!pkg && typeof pkg === 'object';
    if (info.hasPackage && typeof pkg.name === 'string') info.packageName = pkg.name;
    if (info.hasPackage && typeof pkg.workspace === 'string') info.explicitWorkspace = posix.normalize(posix.join(dir, pkg.workspace));
    if (info.isWorkspaceRoot && Array.isArray(workspace.exclude)) {
      info.workspaceExcludes = workspace.exclude
        .filter((e: unknown): e is string => typeof e === 'string')
        .map((e: string) => posix.normalize(posix.join(dir, e)));
    }
  } catch (error) {
    info.parseError = String((error as Error).message ?? error).split('\n')[0];
    // Still a package as far as the user can tell; its gates will report the parse error.
    info.hasPackage = true;
  }
  return info;
}

function isInside(child: string, parent: string): boolean {
  if (parent === '.') return true;
  return child === parent || child.startsWith(`${parent}/`);
}

export function groupManifests(manifests: ManifestInfo[]): ManifestGroup[] {
  const workspaceRoots = new Map(manifests.filter((m) => m.isWorkspaceRoot && !m.parseError).map((m) => [m.dir, m]));
  const groups = new Map<string, ManifestGroup>();
  const add = (root: string, manifest: ManifestInfo) => {
    const group = groups.get(root) ?? { root, manifests: [] };
    if (!group.manifests.includes(manifest)) group.manifests.push(manifest);
    groups.set(root, group);
  };
  for (const manifest of manifests) {
    if (manifest.isWorkspaceRoot && !manifest.parseError) {
      add(manifest.dir, manifest);
      continue;
    }
    if (!manifest.hasPackage) continue;
    add(owningWorkspace(manifest, workspaceRoots), manifest);
  }
  return [...groups.values()].sort((a, b) => a.root.localeCompare(b.root));
}

function owningWorkspace(manifest: ManifestInfo, workspaceRoots: Map<string, ManifestInfo>): string {
  if (manifest.parseError) return manifest.dir;
  if (manifest.explicitWorkspace && workspaceRoots.has(manifest.explicitWorkspace)) return manifest.explicitWorkspace;
  let dir = manifest.dir;
  for (;;) {
    const root = workspaceRoots.get(dir);
    if (root) {
      const excluded = root.workspaceExcludes.some((e) => isInside(manifest.dir, e));
      return excluded ? manifest.dir : dir;
    }
    if (dir === '.') return manifest.dir;
    dir = posix.dirname(dir);
  }
}

/** `crates/a/target/package/a-0.1.0/Cargo.toml` is cargo's own copy, not a crate of the workspace. */
export function isBuildOutputManifest(file: string, allFiles: ReadonlySet<string>): boolean {
  const parts = file.split('/');
  for (let i = 0; i < parts.length - 1; i++) {
    if (parts[i] !== 'target') continue;
    const owner = parts.slice(0, i).join('/');
    if (allFiles.has(owner === '' ? 'Cargo.toml' : `${owner}/Cargo.toml`)) return true;
  }
  return false;
}
