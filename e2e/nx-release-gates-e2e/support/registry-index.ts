/** Registry index folders in cargo's file layout, what option registryIndex may point at instead of crates.io. */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface IndexedVersion {
  version: string;
  /** sha256 of the published .crate (any 64 hex digits when no test compares it). */
  cksum?: string;
  yanked?: boolean;
}

/** Cargo's index path of a crate name: `1/a`, `2/ab`, `3/a/abc`, `ab/cd/abcd…`. */
function entryPath(name: string): string[] {
  const lower = name.toLowerCase();
  if (lower.length <= 2) return [String(lower.length), lower];
  if (lower.length === 3) return ['3', lower[0], lower];
  return [lower.slice(0, 2), lower.slice(2, 4), lower];
}

/** Writes the index entry of `name` under `index`: one JSON line per published version. */
export function writeIndexEntry(index: string, name: string, versions: readonly IndexedVersion[]): void {
  const file = path.join(index, ...entryPath(name));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const lines = versions.map((v) => JSON.stringify({ name, vers: v.version, deps: [], cksum: v.cksum ?? '0'.repeat(64), features: {}, yanked: v.yanked ?? false }));
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
}
