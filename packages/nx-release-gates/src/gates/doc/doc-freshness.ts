/**
 * cargo decides a doc unit is fresh from the package's own files (their newest mtime) and the flags: a file outside
 * the package that rustdoc reads (`#![doc = include_str!("../../README.md")]`) is in no record of cargo's. When Nx
 * runs gate-doc (no replay), a "fresh" from cargo would judge documentation built from an older version of such a
 * file. Forgetting the package's own doc fingerprints makes cargo run rustdoc on it again, and only on it: the
 * dependencies' compiled metadata rustdoc needs stays fresh.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The `.fingerprint` folders of a target directory: `<profile>/.fingerprint` and `<triple>/<profile>/.fingerprint`. */
function fingerprintFolders(targetDir: string): string[] {
  const folders: string[] = [];
  const children = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => path.join(dir, e.name)) : []);
  for (const level1 of children(targetDir)) {
    if (fs.existsSync(path.join(level1, '.fingerprint'))) folders.push(path.join(level1, '.fingerprint'));
    for (const level2 of children(level1)) if (fs.existsSync(path.join(level2, '.fingerprint'))) folders.push(path.join(level2, '.fingerprint'));
  }
  return folders;
}

/** Removes the `doc-*` fingerprint files of one package (folders `<package>-<hash>`); returns how many it removed. */
export function forgetDocFreshness(targetDir: string, packageName: string): number {
  const unit = new RegExp(`^${escape(packageName)}-[0-9a-f]{16}$`);
  let removed = 0;
  for (const folder of fingerprintFolders(targetDir)) {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      if (!entry.isDirectory() || !unit.test(entry.name)) continue;
      for (const file of fs.readdirSync(path.join(folder, entry.name))) {
        if (!file.startsWith('doc-')) continue;
        fs.rmSync(path.join(folder, entry.name, file), { force: true });
        removed++;
      }
    }
  }
  return removed;
}
