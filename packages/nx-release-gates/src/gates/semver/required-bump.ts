/**
 * Which version bump the changes since a release need, read from cargo-semver-checks reports: what release-plz
 * computes before it bumps. cargo-semver-checks flags removals and changes (its `Summary` line says major or minor)
 * but never an addition, which Cargo's semver rules make a minor change; so a second comparison runs the other way
 * (the release's API checked against the working tree's), where an added item shows up as a removed one. No flagged
 * change either way leaves a patch when the crate's files changed since the release, and nothing when they did not.
 */
import { stripAnsi } from '../../parsers/cargo-errors';

export type Bump = 'none' | 'patch' | 'minor' | 'major';

/** What the `Summary` line of a report says is needed: major, minor, none (`no semver update required`), or null when absent. */
export function summaryBump(output: string): 'major' | 'minor' | 'none' | null {
  const text = stripAnsi(output);
  const needs = /Summary semver requires new (major|minor) version/.exec(text);
  if (needs) return needs[1] as 'major' | 'minor';
  return /Summary no semver update required/.test(text) ? 'none' : null;
}

export interface BumpEvidence {
  /** The report comparing the working tree against the release (`--release-type patch`, so minor changes are flagged too). */
  forward: string;
  /** The report of the reverse comparison, or null when it could not run. */
  reverse: string | null;
  /** Whether the crate's files differ from the release's; null when git could not say. */
  changed: boolean | null;
}

/** The bump, or null when the forward report has no Summary (the comparison itself failed). */
export function requiredBump(evidence: BumpEvidence): Bump | null {
  const forward = summaryBump(evidence.forward);
  if (forward === null) return null;
  if (forward !== 'none') return forward;
  const reverse = evidence.reverse === null ? null : summaryBump(evidence.reverse);
  if (reverse === 'major' || reverse === 'minor') return 'minor';
  return evidence.changed === false ? 'none' : 'patch';
}

/**
 * The version a bump leads to under Cargo's rules: before 1.0 the leftmost non-zero part is the "major" one (0.3.1:
 * a breaking change makes 0.4.0, an addition 0.3.2; 0.0.4: any change makes 0.0.5).
 */
export function nextVersion(version: string, bump: Bump): string {
  const match = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!match || bump === 'none') return version;
  const [major, minor, patch] = match.slice(1).map(Number);
  if (major > 0) {
    if (bump === 'major') return `${major + 1}.0.0`;
    return bump === 'minor' ? `${major}.${minor + 1}.0` : `${major}.${minor}.${patch + 1}`;
  }
  if (minor > 0) return bump === 'major' ? `0.${minor + 1}.0` : `0.${minor}.${patch + 1}`;
  return `0.0.${patch + 1}`;
}

/** A baseline cargo-semver-checks could not build: which crate and version, and the first error that said why. */
export interface UnbuildableBaseline {
  crate: string;
  version: string;
  cause: string;
}

/** Reads `failed to build rustdoc for crate X vY` (with the first cargo error of the dump above it), or null. */
export function unbuildableBaseline(output: string): UnbuildableBaseline | null {
  const text = stripAnsi(output);
  const failure = /failed to build rustdoc for crate (\S+) v(\S+)/.exec(text);
  // The working tree's own build failing is the crate's problem, reported as it is: only the baseline's is read here.
  const lastBuilding = [...text.matchAll(/^\s*Building \S+ v\S+ \((current|baseline)\)/gm)].pop();
  if (!failure || lastBuilding?.[1] !== 'baseline') return null;
  const errors = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('error') && !/running cargo-doc on crate|failed to build rustdoc|aborting due to/.test(line));
  const hint = /^\s*The system library `[^`]+` required by crate `[^`]+` was not found\./m.exec(text);
  // A missing system library is the cause worth a line; cargo's own first error is the fallback.
  const cause = hint?.[0].trim().replace(/\.$/, '') ?? errors[0]?.replace(/^error(\[\w+\])?:\s*/, '') ?? 'cargo doc failed';
  return { crate: failure[1], version: failure[2], cause };
}
