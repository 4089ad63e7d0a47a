/**
 * The verdicts the gates draw from the registry index (option registryIndex, read by ops/registry-index.ts):
 * - Whether the crate's version is already published (gate-publish and gate-version). A taken version fails: the
 *   real `cargo publish` would refuse it in public. One exception: the version exists and the `.crate` this run
 *   packaged is byte for byte the published one (same sha256 as the index's checksum), so a release that stopped
 *   after uploading is being resumed, not repeated.
 * - The newest earlier published version (gate-semver's baseline when the repository has no earlier release tag).
 *
 * The gates that ask hold the entries they read in their cache key (cache-key/outside-state.ts, `registry`).
 */
import { bytesSha256 } from '../util/hash';
import * as fs from 'node:fs';
import { compareVersions, isSemver } from '../model/release-tag';
import { lookUpCrate, type IndexLookup } from './registry-index';

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

/**
 * Looks the crate up in `index` and judges its version. `packagedChecksum` is asked only when the index holds the
 * version (to tell a resumed release from a taken version): gate-version packages the crate for it only then.
 */
export async function checkPublishedVersion(
  query: { index: string; crate: string; version: string },
  packagedChecksum: () => Promise<string | null>,
): Promise<PublishedVersionVerdict> {
  const facts: PublishedVersionFacts = { ...query, lookup: await lookUpCrate(query.index, query.crate), packagedChecksum: null };
  const first = judgePublishedVersion(facts);
  if (first.kind !== 'taken') return first;
  return judgePublishedVersion({ ...facts, packagedChecksum: await packagedChecksum() });
}

/** The newest earlier, not yanked version the index holds (null: none, or the index did not answer). */
export function previousPublished(lookup: IndexLookup, current: string): string | null {
  if (lookup.kind !== 'found') return null;
  const earlier = lookup.versions.filter((v) => !v.yanked && isSemver(v.version) && compareVersions(v.version, current) < 0).map((v) => v.version);
  earlier.sort((a, b) => compareVersions(b, a));
  return earlier[0] ?? null;
}

/** sha256 (hex) of a file, or null when it is not there. */
export function fileSha256(file: string): string | null {
  if (!fs.existsSync(file)) return null;
  return bytesSha256(fs.readFileSync(file));
}
