/**
 * Which `include`/`exclude` rule of Cargo.toml kept a file out of the package. Cargo reads both as gitignore-style
 * patterns relative to the crate folder: a pattern without a slash matches at any depth, a leading `/` anchors it at
 * the crate root, and a pattern matching a folder covers everything in it. Pure, for gate-package's reason.
 */
import { minimatch } from 'minimatch';

function patternMatches(pattern: string, file: string): boolean {
  const anchored = pattern.startsWith('/');
  const body = pattern.replace(/^\//, '').replace(/\/$/, '');
  const glob = anchored || body.includes('/') ? body : `**/${body}`;
  // The file itself or any folder above it.
  const parts = file.split('/');
  for (let i = parts.length; i > 0; i--) {
    if (minimatch(parts.slice(0, i).join('/'), glob, { dot: true })) return true;
  }
  return false;
}

/** Why `file` (relative to the crate folder) is not packaged, as far as Cargo.toml says; null when neither list explains it. */
export function packageRuleDropping(file: string, include: readonly string[] | null, exclude: readonly string[] | null): string | null {
  if (include && include.length) {
    // With include, cargo ignores exclude: only include decides.
    if (!include.some((p) => patternMatches(p, file))) return `no pattern of include = ${JSON.stringify(include)} matches it`;
    return null;
  }
  const rule = (exclude ?? []).find((p) => patternMatches(p, file));
  return rule ? `exclude pattern "${rule}" matches it` : null;
}
