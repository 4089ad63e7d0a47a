/**
 * The workspace files Nx's hasher skips because an ignore file excludes them. Nx walks the workspace with .gitignore
 * and .nxignore merged per folder, each folder's files applying below it; git's own check (ops/git.ts ignoredPaths)
 * knows nothing of .nxignore, so a file only .nxignore excludes would count as covered by a `{projectRoot}/**` input
 * it matches by glob while no key holds it. Asked with Nx's own matcher, so the answer is the one its walker follows.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createGitIgnoreChecker } from 'nx/src/utils/ignore';

type Tree = Parameters<typeof createGitIgnoreChecker>[0];

/** The given workspace-relative paths (posix separators) that Nx's ignore files exclude. */
export function nxIgnoredPaths(workspaceRoot: string, paths: readonly string[]): Set<string> {
  const ignored = new Set<string>();
  if (paths.length === 0) return ignored;
  // Only `read` is asked of the tree: the ignore files' text, or null when a folder has none.
  const tree = {
    read: (file: string) => {
      try {
        return fs.readFileSync(path.join(workspaceRoot, file), 'utf8');
      } catch {
        return null;
      }
    },
  } as unknown as Tree;
  const checker = createGitIgnoreChecker(tree);
  for (const file of paths) if (checker.isIgnoredFile(file)) ignored.add(file);
  return ignored;
}
