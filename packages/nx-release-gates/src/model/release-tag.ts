/**
 * Release tags and versions, for gate-version and gate-semver: semver order, which tag a run releases (RELEASE_TAG,
 * or GITHUB_REF_NAME on a tag push), what crate and version a tag names, and whether a program's `--version` output
 * carries a version. Pure functions only; the gates do the git and process work.
 */

/** Semantic Versioning 2.0.0: MAJOR.MINOR.PATCH, optional -prerelease and +build, no leading zeros in numbers. */
const NUMBER = '(?:0|[1-9][0-9]*)';
const PRERELEASE_ID = `(?:${NUMBER}|[0-9]*[A-Za-z-][0-9A-Za-z-]*)`;
const BUILD_ID = '[0-9A-Za-z-]+';
const SEMVER = new RegExp(`^${NUMBER}\\.${NUMBER}\\.${NUMBER}(?:-${PRERELEASE_ID}(?:\\.${PRERELEASE_ID})*)?(?:\\+${BUILD_ID}(?:\\.${BUILD_ID})*)?$`);

export function isSemver(version: string): boolean {
  return SEMVER.test(version);
}

/** Compares MAJOR.MINOR.PATCH[-pre] (build metadata ignored): negative when a < b. */
export function compareVersions(a: string, b: string): number {
  const split = (v: string) => {
    const [core, pre] = v.split('+')[0].split(/-(.*)/s);
    return { nums: core.split('.').map(Number), pre: pre ?? null };
  };
  const x = split(a);
  const y = split(b);
  for (let i = 0; i < 3; i++) if (x.nums[i] !== y.nums[i]) return x.nums[i] - y.nums[i];
  if (x.pre === y.pre) return 0;
  if (x.pre === null) return 1;
  if (y.pre === null) return -1;
  const px = x.pre.split('.');
  const py = y.pre.split('.');
  for (let i = 0; i < Math.max(px.length, py.length); i++) {
    if (px[i] === undefined) return -1;
    if (py[i] === undefined) return 1;
    const nx = /^\d+$/.test(px[i]);
    const ny = /^\d+$/.test(py[i]);
    if (nx && ny && Number(px[i]) !== Number(py[i])) return Number(px[i]) - Number(py[i]);
    if (nx !== ny) return nx ? -1 : 1;
    if (px[i] !== py[i]) return px[i] < py[i] ? -1 : 1;
  }
  return 0;
}

export interface ReleaseTagSource {
  tag: string;
  /** Where the tag came from, for reasons: `RELEASE_TAG` or `GITHUB_REF_NAME (tag push)`. */
  source: string;
  /** True on a GitHub tag push: the tag is the ref being built, so it exists and points at the checkout. */
  tagPush: boolean;
}

/** The tag this run releases, or null when none is given (a dry run without a tag only checks the version). */
export function releaseTagFromEnv(env: NodeJS.ProcessEnv): ReleaseTagSource | null {
  const explicit = env.RELEASE_TAG?.trim();
  if (explicit) return { tag: explicit, source: 'RELEASE_TAG', tagPush: false };
  const refName = env.GITHUB_REF_NAME?.trim();
  if (env.GITHUB_REF_TYPE === 'tag' && refName) return { tag: refName, source: 'GITHUB_REF_NAME (tag push)', tagPush: true };
  return null;
}

export type ParsedTag =
  /** The tag names this crate (or no crate: `v1.7.2`); `version` is valid semver. */
  | { kind: 'this-crate'; version: string; prefixed: boolean }
  /** `<other>-v1.7.2`: a tag of another crate of a multi-crate workspace. */
  | { kind: 'other-crate'; crate: string; version: string }
  /** Not a release tag; `problem` says why in one line. */
  | { kind: 'invalid'; problem: string };

/**
 * `v1.7.2` (single-crate repositories) or `<crate>-v1.7.2` (multi-crate). The crate prefix is matched greedily, so a
 * crate named `tool-v2` releases as `tool-v2-v1.0.0`.
 */
export function parseReleaseTag(tag: string, crateName: string): ParsedTag {
  const forms = `expected v<version> or ${crateName}-v<version>, e.g. v1.7.2 or ${crateName}-v1.7.2`;
  const notSemver = (version: string): ParsedTag => ({
    kind: 'invalid',
    problem: `release tag "${tag}": "${version}" is not a semver version (MAJOR.MINOR.PATCH, e.g. 1.7.2)`,
  });
  const prefixed = /^(.+)-v([0-9].*)$/.exec(tag);
  if (prefixed && prefixed[1] === crateName) return isSemver(prefixed[2]) ? { kind: 'this-crate', version: prefixed[2], prefixed: true } : notSemver(prefixed[2]);
  const bare = /^v([0-9].*)$/.exec(tag);
  if (bare) return isSemver(bare[1]) ? { kind: 'this-crate', version: bare[1], prefixed: false } : notSemver(bare[1]);
  if (prefixed) return isSemver(prefixed[2]) ? { kind: 'other-crate', crate: prefixed[1], version: prefixed[2] } : notSemver(prefixed[2]);
  return { kind: 'invalid', problem: `release tag "${tag}" is not a release tag: ${forms}` };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Whether `output` (a program's `--version` text) shows exactly `version`: `tool 1.7.2` and `v1.7.2` do,
 * `1.7.20`, `11.7.2` and `1.7.2-beta` do not.
 */
export function outputShowsVersion(output: string, version: string): boolean {
  const pattern = new RegExp(`(?<![0-9A-Za-z.])v?${escapeRegExp(version)}(?![0-9A-Za-z]|[.+-][0-9A-Za-z])`);
  return pattern.test(output);
}

/** The first line of output that looks like a version, for the failure reason. */
export function firstVersionLike(output: string): string | null {
  return /\bv?[0-9]+\.[0-9]+(?:\.[0-9]+)?(?:[-+][0-9A-Za-z.-]+)?/.exec(output)?.[0] ?? null;
}
