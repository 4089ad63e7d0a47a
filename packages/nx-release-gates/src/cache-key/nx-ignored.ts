/**
 * The workspace files Nx's hasher skips because an ignore file excludes them. Nx walks the workspace with the `ignore`
 * crate: .gitignore, .ignore and .nxignore merged per folder, each folder's files applying below it, tracked files
 * included. Git's own check (ops/git.ts ignoredPaths: .gitignore, .git/info/exclude, the global excludes file) knows
 * nothing of .ignore and .nxignore, so a file only they exclude would count as covered by a `{projectRoot}/**` input it
 * matches by glob while no key holds it. Asked with Nx's own ignore-chain matcher over those three files.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createAncestorAwareIgnoreChecker, createIgnoreChainResolver, isAlwaysIgnored } from 'nx/src/utils/ignore';

/** The ignore files of one folder, lowest authority first (the last matching pattern decides). */
const IGNORE_FILES = ['.gitignore', '.ignore', '.nxignore'];

/** The given workspace-relative paths (posix separators) that Nx's ignore files exclude. */
export function nxIgnoredPaths(workspaceRoot: string, paths: readonly string[]): Set<string> {
  const ignored = new Set<string>();
  if (paths.length === 0) return ignored;
  const read = (file: string): string | null => {
    try {
      return fs.readFileSync(path.join(workspaceRoot, file), 'utf8');
    } catch {
      return null;
    }
  };
  const checker = createAncestorAwareIgnoreChecker(createIgnoreChainResolver(read, IGNORE_FILES, true));
  for (const file of paths) if (isAlwaysIgnored(file) || checker.isIgnoredFile(file)) ignored.add(file);
  return ignored;
}
