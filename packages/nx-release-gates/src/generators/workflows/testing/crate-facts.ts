/**
 * Fixture cargo metadata for unit tests on in-memory trees: the binaries cargo would report for each manifest, as the
 * test declares them (addCrate declares its crate's). The latest declaration of a manifest path wins, so each test's
 * own addCrate calls decide; a manifest nobody declared fails the test instead of being guessed.
 */
import type { CrateFacts } from '../crate-facts';

const declared = new Map<string, { binaries: string[]; hasLibrary: boolean }>();

/** `hasLibrary`: cargo reports a lib target (a fixture crate without binaries is a library). */
export function declareBinaries(manifestPath: string, binaries: string[], hasLibrary = binaries.length === 0): void {
  declared.set(manifestPath, { binaries: [...binaries].sort(), hasLibrary });
}

export const fixtureCrateFacts: CrateFacts = async (_workspaceRoot, group) =>
  group.manifests
    .filter((m) => m.hasPackage)
    .map((m) => {
      const fact = declared.get(m.file);
      if (!fact) throw new Error(`no fixture cargo metadata for ${m.file}: write the crate with addCrate or declareBinaries`);
      return { manifestPath: m.file, ...fact };
    });
