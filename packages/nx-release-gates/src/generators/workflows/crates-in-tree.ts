/**
 * The crates the workflows generator can name, read from the generator's Tree: the generator runs in unit tests on an
 * in-memory tree, and gate-workflows must see exactly what the generator sees, so both read Cargo.toml files through
 * the same Tree. Cargo workspaces are grouped with the same rules inference uses (manifest-groups.ts); names are the
 * [package] names, which are also the Nx project names. The binaries are cargo's answer (crate-facts.ts), not read
 * from the files.
 */
import { Tree, visitNotIgnoredFiles } from '@nx/devkit';
import * as path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { describeManifest, groupManifests, isBuildOutputManifest } from '../../parsers/manifest-groups';
import { CrateFacts, factsByManifest } from './crate-facts';

export interface TreeCrate {
  name: string;
  /** Crate folder, posix, '.' for the workspace root. */
  root: string;
  /** Folder of the Cargo workspace the crate belongs to (where `target/` is). */
  cargoWorkspaceRoot: string;
  /** `bin` targets cargo builds for it, as cargo metadata reports them. */
  binaries: string[];
  /** It has a library target (cargo metadata): gate-semver has a public API to compare. */
  hasLibrary: boolean;
  /** False for `publish = false` or `publish = []`. */
  publish: boolean;
  /** Crates of this workspace it depends on (normal and build dependencies): they publish first. */
  localDependencies: string[];
}

const join = (root: string, file: string) => (root === '.' ? file : `${root}/${file}`);

/** `facts`: what cargo says about each crate (cargoCrateFacts on disk, fixtures in unit tests). */
export async function readCratesInTree(tree: Tree, facts: CrateFacts): Promise<TreeCrate[]> {
  const files: string[] = [];
  visitNotIgnoredFiles(tree, '', (file) => {
    if (path.posix.basename(file) === 'Cargo.toml') files.push(file);
  });
  const all = new Set(files);
  const manifests = files
    .filter((f) => !isBuildOutputManifest(f, all))
    .sort()
    .map((f) => describeManifest(f, tree.read(f, 'utf-8') ?? ''));
  const groups = groupManifests(manifests);
  const cargoFacts = await factsByManifest(facts, tree.root, groups);
  const crates: TreeCrate[] = [];
  const tomls = new Map<TreeCrate, Record<string, any>>();
  for (const group of groups) {
    const workspaceToml = parseQuietly(tree.read(join(group.root, 'Cargo.toml'), 'utf-8'));
    const inherited = (workspaceToml?.workspace?.package ?? {}) as Record<string, unknown>;
    for (const manifest of group.manifests) {
      if (!manifest.hasPackage || !manifest.packageName) continue;
      const toml = parseQuietly(manifest.content);
      if (!toml) continue;
      const pkg = toml.package as Record<string, any>;
      const crate: TreeCrate = {
        name: manifest.packageName,
        root: manifest.dir,
        cargoWorkspaceRoot: group.root,
        binaries: cargoFacts.get(manifest.file)?.binaries ?? [],
        hasLibrary: cargoFacts.get(manifest.file)?.hasLibrary ?? false,
        publish: publishOf(pkg.publish, inherited.publish),
        localDependencies: [],
      };
      crates.push(crate);
      tomls.set(crate, toml);
    }
  }
  // Local dependencies: path dependencies whose package is another crate found here.
  const byName = new Set(crates.map((c) => c.name));
  for (const crate of crates) {
    const deps = new Set<string>();
    for (const section of ['dependencies', 'build-dependencies']) {
      for (const [key, spec] of Object.entries<any>(tomls.get(crate)?.[section] ?? {})) {
        const name = typeof spec === 'object' && typeof spec?.package === 'string' ? spec.package : key;
        const local = typeof spec === 'object' && (typeof spec?.path === 'string' || spec?.workspace === true);
        if (local && byName.has(name) && name !== crate.name) deps.add(name);
      }
    }
    crate.localDependencies = [...deps].sort();
  }
  return crates.sort((a, b) => a.name.localeCompare(b.name));
}

function parseQuietly(content: string | null): Record<string, any> | null {
  if (content === null) return null;
  try {
    return parseToml(content) as Record<string, any>;
  } catch {
    return null;
  }
}

function publishOf(value: unknown, inherited: unknown): boolean {
  const resolved = value && typeof value === 'object' && !Array.isArray(value) && (value as any).workspace === true ? inherited : value;
  if (resolved === false) return false;
  if (Array.isArray(resolved) && resolved.length === 0) return false;
  return true;
}

/** Crates in publishing order: every crate after the local crates it depends on; ties by name. */
export function publishOrder(crates: TreeCrate[]): TreeCrate[] {
  const byName = new Map(crates.map((c) => [c.name, c]));
  const done = new Set<string>();
  const ordered: TreeCrate[] = [];
  const visit = (crate: TreeCrate, stack: Set<string>) => {
    if (done.has(crate.name) || stack.has(crate.name)) return;
    stack.add(crate.name);
    for (const dep of crate.localDependencies) {
      const other = byName.get(dep);
      if (other) visit(other, stack);
    }
    done.add(crate.name);
    ordered.push(crate);
  };
  for (const crate of [...crates].sort((a, b) => a.name.localeCompare(b.name))) visit(crate, new Set());
  return ordered;
}
