/**
 * Fixture cargo metadata for unit tests on in-memory trees: the binaries cargo would report for each manifest, as the
 * test declares them (addCrate declares its crate's). The latest declaration of a manifest path wins, so each test's
 * own addCrate calls decide; a manifest nobody declared fails the test instead of being guessed.
 */
import type { CrateFacts } from '../crate-facts';

const declared = new Map<string, string[]>();

export function declareBinaries(manifestPath: string, binaries: string[]): void {
  declared.set(manifestPath, [...binaries].sort());
}

export const fixtureCrateFacts: CrateFacts = async (_workspaceRoot, group) =>
  group.manifests
    .filter((m) => m.hasPackage)
    .map((m) => {
      const binaries = declared.get(m.file);
      if (!binaries) throw new Error(`no fixture cargo metadata for ${m.file}: write the crate with addCrate or declareBinaries`);
      return { manifestPath: m.file, binaries };
    });
