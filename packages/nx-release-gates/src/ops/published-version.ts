/**
 * Whether the crate's version is already in the registry (gate-publish and gate-version). A taken version fails:
 * the real `cargo publish` would refuse it in public. One exception: the version exists and the `.crate` this run
 * packaged is byte for byte the published one (same sha256 as the index's checksum), so a release that stopped after
 * uploading is being resumed, not repeated.
 *
 * Both gates are `cacheable: false`, so what the registry holds never sits in a cached result.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import type { IndexLookup } from './registry-index';

export interface PublishedVersionFacts {
  crate: string;
  version: string;
  /** The index as configured (option registryIndex), for reasons. */
  index: string;
  lookup: IndexLookup;
  /** sha256 of the `.crate` this run packaged; null when none was packaged. */
  packagedChecksum: string | null;
}

export type PublishedVersionVerdict =
  | { kind: 'new'; sentence: string }
  | { kind: 'taken'; sentence: string }
  | { kind: 'resumed'; sentence: string }
  | { kind: 'unknown'; sentence: string };

/** crates.io treats versions that differ only in build metadata (`+…`) as the same version. */
const withoutBuild = (version: string) => version.replace(/\+.*$/, '');

export function judgePublishedVersion(facts: PublishedVersionFacts): PublishedVersionVerdict {
  const id = `${facts.crate}@${facts.version}`;
  const { lookup } = facts;
  if (lookup.kind === 'unreachable') return { kind: 'unknown', sentence: `registry index unreachable, cannot tell whether ${id} is published (${lookup.problem})` };
  if (lookup.kind === 'absent') return { kind: 'new', sentence: `${id} is not in the registry index yet (crate never published)` };
  const published = lookup.versions.find((v) => withoutBuild(v.version) === withoutBuild(facts.version));
  if (!published) return { kind: 'new', sentence: `${id} is not in the registry index yet` };
  const yanked = published.yanked ? ' (yanked)' : '';
  if (facts.packagedChecksum && facts.packagedChecksum.toLowerCase() === published.checksum) {
    return { kind: 'resumed', sentence: `${id} is already published${yanked} with the same .crate (sha256 ${published.checksum.slice(0, 12)}): the release is being resumed` };
  }
  const compared = facts.packagedChecksum
    ? `the packaged .crate differs (sha256 ${facts.packagedChecksum.slice(0, 12)}, published ${published.checksum.slice(0, 12)})`
    : 'no .crate was packaged to compare';
  return { kind: 'taken', sentence: `version ${facts.version} of ${facts.crate} is already published${yanked} and ${compared}; bump the version in Cargo.toml` };
}

/** sha256 (hex) of a file, or null when it is not there. */
export function fileSha256(file: string): string | null {
  if (!fs.existsSync(file)) return null;
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}
