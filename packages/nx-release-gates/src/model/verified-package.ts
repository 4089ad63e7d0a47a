/**
 * The package the dry run verified, and the publish step's decisions about it: whether a package made again now is
 * the same (file by file), in which order the crates go up, which are already on the registry with the verified
 * bytes (a release resumed), and how long to wait when the registry answers "too many requests". Data and rules
 * only: the publish command (executors/publish/) does the packaging, the HTTP and the uploads.
 */

/** One file inside a .crate, relative to the crate's folder inside the archive (`src/lib.rs`, `Cargo.toml`). */
export interface PackagedFile {
  path: string;
  sha256: string;
  bytes: number;
}

/** What gate-package records of the .crate it checked (details.verifiedPackage). */
export interface VerifiedPackage {
  /** sha256 of the .crate file itself: the registry index's `cksum` once it is published. */
  cksum: string;
  bytes: number;
  files: PackagedFile[];
}

/**
 * cargo's record of the commit it packaged from (sha1, dirty flag). It names the commit, which the publish step checks
 * on its own; a result replayed from the cache of an earlier commit carries that commit's sha1 over the same files.
 */
export const CARGO_VCS_INFO = '.cargo_vcs_info.json';

export interface PackageDifference {
  changed: string[];
  added: string[];
  dropped: string[];
}

/** The files that differ between the verified package and one made now (cargo's commit record aside), sorted. */
export function comparePackages(verified: readonly PackagedFile[], now: readonly PackagedFile[]): PackageDifference {
  const compared = (files: readonly PackagedFile[]) => new Map(files.filter((f) => f.path !== CARGO_VCS_INFO).map((f) => [f.path, f]));
  const before = compared(verified);
  const after = compared(now);
  const changed: string[] = [];
  const added: string[] = [];
  const dropped: string[] = [];
  for (const [file, entry] of after) {
    const old = before.get(file);
    if (!old) added.push(file);
    else if (old.sha256 !== entry.sha256 || old.bytes !== entry.bytes) changed.push(file);
  }
  for (const file of before.keys()) if (!after.has(file)) dropped.push(file);
  return { changed: changed.sort(), added: added.sort(), dropped: dropped.sort() };
}

export function isSamePackage(difference: PackageDifference): boolean {
  return !difference.changed.length && !difference.added.length && !difference.dropped.length;
}

/** `changed src/lib.rs, README.md; added notes.txt` (the first three of each kind). */
export function describeDifference(difference: PackageDifference): string {
  const few = (files: string[]) => (files.length > 3 ? `${files.slice(0, 3).join(', ')} and ${files.length - 3} more` : files.join(', '));
  return (['changed', 'added', 'dropped'] as const)
    .filter((kind) => difference[kind].length)
    .map((kind) => `${kind} ${few(difference[kind])}`)
    .join('; ');
}

/** What the publish step needs of gate-package's result file for one crate. */
export interface VerifiedRecord {
  crate: string;
  version: string;
  status: string;
  /** The commit the dry run verified (its release-dry-run.json, else the result's own run), null when unknown. */
  commit: string | null;
  verified: VerifiedPackage | null;
  /** The reason when gate-package was skipped by an emergency skip (details.emergency), else null. */
  emergency: string | null;
}

/**
 * Why a record cannot vouch for publishing `crate@version` from `commit` (null: it can). Each answer is one line
 * saying what is wrong and what to do.
 */
export function recordProblem(record: VerifiedRecord | null, expected: { crate: string; version: string; commit: string | null; file: string }): string | null {
  const id = `${expected.crate}@${expected.version}`;
  const rerun = `run the release dry run (release-dry-run) on this commit and publish with its reports`;
  if (!record) return `${id}: no verified package in ${expected.file}; ${rerun}`;
  if (record.crate !== expected.crate || record.version !== expected.version) {
    return `${id}: ${expected.file} verified ${record.crate}@${record.version}, not ${id}; ${rerun}`;
  }
  // An emergency release that skips gate-package ships unverified, as its tag annotation and release notes say.
  if (record.status === 'skipped' && record.emergency) return null;
  if (record.status !== 'passed') return `${id}: gate-package did not pass in ${expected.file} (${record.status}); fix it and ${rerun}`;
  if (!record.verified) return `${id}: ${expected.file} holds no file list (written by an older plugin version?); ${rerun}`;
  if (expected.commit && record.commit && record.commit !== expected.commit) {
    return `${id}: ${expected.file} was verified on commit ${record.commit.slice(0, 12)}, this checkout is ${expected.commit.slice(0, 12)}; ${rerun}`;
  }
  return null;
}

/** A crate to publish and the names of the crates it depends on by path (dev-dependencies left out: cargo strips them). */
export interface CrateToOrder {
  name: string;
  dependsOn: readonly string[];
}

/**
 * Path dependencies first, otherwise in the given order; dependencies outside `crates` are not waited for. A cycle
 * (cargo refuses one between normal dependencies) keeps the rest in the given order.
 */
export function publishOrder(crates: readonly CrateToOrder[]): string[] {
  const names = new Set(crates.map((c) => c.name));
  const byName = new Map(crates.map((c) => [c.name, c]));
  const order: string[] = [];
  const visiting = new Set<string>();
  const visit = (name: string): void => {
    if (order.includes(name) || visiting.has(name)) return;
    visiting.add(name);
    for (const dependency of byName.get(name)?.dependsOn ?? []) if (names.has(dependency)) visit(dependency);
    visiting.delete(name);
    order.push(name);
  };
  for (const crate of crates) visit(crate.name);
  return order;
}

/** What the registry index says about one version. */
export type RegistryState = { kind: 'absent' } | { kind: 'published'; cksum: string } | { kind: 'unknown'; problem: string };

export type PublishDecision = { action: 'publish'; sentence: string } | { action: 'skip'; sentence: string } | { action: 'refuse'; sentence: string };

/**
 * Whether to upload `crate@version`, given the index's answer and the verified .crate's sha256 (null: gate-package was
 * skipped in an emergency, so there is nothing to compare a published version with).
 */
export function resumeDecision(id: string, verifiedCksum: string | null, state: RegistryState, registry: string): PublishDecision {
  if (state.kind === 'absent') return { action: 'publish', sentence: `${id}: not on ${registry} yet; publishing` };
  if (state.kind === 'unknown') return { action: 'refuse', sentence: `${id}: cannot tell whether it is on ${registry} (${state.problem}); run the publish again when the registry answers` };
  if (verifiedCksum === null) return { action: 'skip', sentence: `${id}: already on ${registry} (not compared: gate-package was skipped in an emergency); skipped` };
  if (state.cksum.toLowerCase() === verifiedCksum.toLowerCase()) {
    return { action: 'skip', sentence: `${id}: already on ${registry} with the verified .crate (sha256 ${verifiedCksum.slice(0, 12)}); skipped` };
  }
  return {
    action: 'refuse',
    sentence: `${id}: already on ${registry} with OTHER bytes (sha256 ${state.cksum.slice(0, 12)}, verified ${verifiedCksum.slice(0, 12)}); a version is published once: bump the version in Cargo.toml`,
  };
}

/** Waiting for "too many requests": at most this long per answer, and this many answers per step. */
export const MAX_RETRY_WAIT_SECONDS = 600;
export const MAX_RATE_LIMITED_ATTEMPTS = 4;
const DEFAULT_RETRY_WAIT_SECONDS = 30;

/**
 * Seconds to wait before asking again, from a Retry-After value (seconds, or an HTTP date) and the answer's time;
 * null when `attempt` (1 for the first 429) has used up the retries. Without a readable value: 30 s. Never more
 * than MAX_RETRY_WAIT_SECONDS.
 */
export function retryWaitSeconds(retryAfter: string | null, now: Date, attempt: number): number | null {
  if (attempt >= MAX_RATE_LIMITED_ATTEMPTS) return null;
  const value = retryAfter?.trim() ?? '';
  let seconds = DEFAULT_RETRY_WAIT_SECONDS;
  if (/^\d+$/.test(value)) seconds = Number(value);
  else if (value && !Number.isNaN(Date.parse(value))) seconds = Math.ceil((Date.parse(value) - now.getTime()) / 1000);
  return Math.min(MAX_RETRY_WAIT_SECONDS, Math.max(1, seconds));
}

/** Whether cargo's error output is the registry's "too many requests" (HTTP 429). */
export function isTooManyRequests(cargoOutput: string): boolean {
  return /\b429\b|too many requests/i.test(cargoOutput);
}

/**
 * The wait a registry's 429 message asks for, as cargo prints the server's words: crates.io says "Please try again
 * after Tue, 02 Dec 2026 10:00:00 GMT"; others "retry after 5 seconds" or "Retry-After: 5". Null: none given.
 */
export function retryAfterFromMessage(cargoOutput: string): string | null {
  const seconds = /retry[- ]after:?\s*(\d+)/i.exec(cargoOutput) ?? /try again (?:in|after) (\d+) ?s(?:econds?)?\b/i.exec(cargoOutput);
  if (seconds) return seconds[1];
  const date = /try again after ([A-Z][a-z]{2}, \d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT)/.exec(cargoOutput);
  return date ? date[1] : null;
}
