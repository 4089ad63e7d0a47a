/**
 * cargo decides a unit is fresh from the package's own files (their newest mtime), the flags and the programs' names:
 * a file outside the package that rustdoc reads (`#![doc = include_str!("../../README.md")]`), or the content of a
 * linker script or rustc wrapper named by path, is in no record of cargo's. When Nx runs a gate (no replay fits), a
 * "fresh" from cargo would judge an artifact made from an older version of such a file. Forgetting the package's own
 * fingerprints of those units makes cargo run them again, and only them: dependencies stay fresh.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const subfolders = (dir: string) =>
  fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => path.join(dir, e.name)) : [];

/** The `.fingerprint` folders of a target directory: `<profile>/.fingerprint` and `<triple>/<profile>/.fingerprint`. */
function fingerprintFolders(targetDir: string, profile: string | undefined): string[] {
  const profiles = [...subfolders(targetDir), ...subfolders(targetDir).flatMap(subfolders)];
  return profiles
    .filter((dir) => profile === undefined || path.basename(dir) === profile)
    .map((dir) => path.join(dir, '.fingerprint'))
    .filter((dir) => fs.existsSync(dir));
}

export interface ForgetOptions {
  /** Fingerprint file prefixes of the units to forget: `doc-`, `bin-`, `lib-`, ... */
  prefixes: readonly string[];
  /** Only this profile's folder (`release`); every profile when unset. */
  profile?: string;
}

/** Removes a package's fingerprint files of the given units (folders `<package>-<hash>`); returns how many it removed. */
export function forgetFreshness(targetDir: string, packageName: string, options: ForgetOptions): number {
  const unit = new RegExp(`^${escape(packageName)}-[0-9a-f]{16}$`);
  let removed = 0;
  for (const folder of fingerprintFolders(targetDir, options.profile)) {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      if (!entry.isDirectory() || !unit.test(entry.name)) continue;
      for (const file of fs.readdirSync(path.join(folder, entry.name))) {
        if (!options.prefixes.some((p) => file.startsWith(p))) continue;
        fs.rmSync(path.join(folder, entry.name, file), { force: true });
        removed++;
      }
    }
  }
  return removed;
}
