/**
 * What cargo, not the manifest text, says about the crates the workflows release: the binaries it builds (the
 * package's `bin` targets after auto-discovery, `autobins` and `[[bin]]` names and paths). The release packs exactly
 * these files, so they are never worked out from file names here: a `[[bin]] name = "x"` with `path = "src/main.rs"`
 * claims that file, and a guess would pack a binary that does not exist.
 *
 * Injectable: the generator and gate-workflows ask cargo about the workspace on disk (cargoCrateFacts); unit tests on
 * in-memory trees pass fixture metadata (testing/crate-facts.ts).
 */
import type { ManifestGroup } from '../../parsers/manifest-groups';
import { readCargoWorkspace } from '../../ops/read-crates';

export interface CrateFact {
  /** Relative to the Nx workspace root, posix separators (as ManifestInfo.file). */
  manifestPath: string;
  binaries: string[];
  /** It has a library target: gate-semver compares its public API, so the jobs that run it need cargo-semver-checks. */
  hasLibrary: boolean;
}

/** The facts of the crates of one Cargo workspace (`group`) under `workspaceRoot`. */
export type CrateFacts = (workspaceRoot: string, group: ManifestGroup) => Promise<CrateFact[]>;

export class CrateFactsError extends Error {}

/** `cargo metadata --no-deps --format-version 1` of the Cargo workspace, through ops/ (cached on manifest content). */
export const cargoCrateFacts: CrateFacts = async (workspaceRoot, group) => {
  const crates = await readCargoWorkspace(group, workspaceRoot);
  const broken = crates.find((c) => c.error);
  if (broken) {
    throw new CrateFactsError(`cannot tell which binaries ${broken.manifestPath} builds (cargo metadata): ${broken.error}`);
  }
  return crates.map((c) => ({ manifestPath: c.manifestPath, binaries: [...c.binaries].sort(), hasLibrary: c.hasLibrary }));
};

/** Each crate's facts by manifest path, from every group's; a package cargo did not report is an error, never a guess. */
export async function factsByManifest(facts: CrateFacts, workspaceRoot: string, groups: ManifestGroup[]): Promise<Map<string, CrateFact>> {
  const found = new Map<string, CrateFact>();
  for (const group of groups) {
    for (const fact of await facts(workspaceRoot, group)) found.set(fact.manifestPath, fact);
  }
  for (const manifest of groups.flatMap((g) => g.manifests)) {
    if (manifest.hasPackage && manifest.packageName && !found.has(manifest.file)) {
      throw new CrateFactsError(`cargo metadata did not report the package of ${manifest.file}; check that its Cargo workspace lists it (members) and run again`);
    }
  }
  return found;
}
