/**
 * gate-semver: the crate's public API compared with its previous release by cargo-semver-checks. A breaking change
 * without a major version bump fails, naming the items. The baseline is the newest earlier release: the previous
 * release tag of this crate in the repository (`v<version>` or `<crate>-v<version>`, what the release workflow
 * tags) when there is one, else the newest earlier version in the registry index (option registryIndex, crates.io
 * by default). The tag comes first because it is this repository's own history; an index entry of the same name may
 * be a stranger's crate (the index does not say whose), and comparing against it would fail for nothing. No earlier
 * release at all: `skipped`, first release. cargo-semver-checks downloads a registry baseline from crates.io itself
 * (it has no option for another registry), so an index other than crates.io or its mirror chooses a version
 * crates.io may not hold: the tag baseline is the one that works there.
 *
 * Between releases (a release tag of the manifest's very version exists and is not the checked-out commit: the
 * usual state until the next bump) the baseline is that tag, and the gate says which bump the changes need
 * (required-bump.ts) instead of judging one: needing a bump before it is made is no failure. At the tagged commit
 * itself (the release), or once the version is bumped past the tag, the earlier tag is the baseline and the bump
 * made is judged.
 *
 * The tool is a real dependency: when `cargo semver-checks` is missing the gate fails with the install command
 * (a silent skip is what made release-plz's check worthless for users without the tool); `semver: false` opts out.
 * A first release needs no tool, so that skip comes first: a new library must not fail for a comparison it cannot make.
 *
 * Cached by the state it reads (cache-key/outside-state.ts): this crate's release tags with their commits, the
 * registry index entry, and the cargo-semver-checks executable. cargo-semver-checks caches the baseline's rustdoc
 * JSON itself (target/semver-checks), so a run after a miss costs one rustdoc of the crate.
 */
import { stripAnsi, summarizeCargoError } from '../../parsers/cargo-errors';
import { indexName, lookUpCrate } from '../../ops/registry-index';
import { previousPublished } from '../../ops/published-version';
import { compareVersions, parseReleaseTag } from '../../model/release-tag';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { changedSince, localTags, tagIsHead } from '../../ops/git';
import { currentTargetDirectory } from '../../ops/target-directory';
import { unknownFeatures } from '../../model/feature-sets';
import { failed, GateContext, GateDefinition, GateOutcome, passed, skipped } from '../types';
import { gateSpec } from '../../model/catalog';
import { SEMVER_CHECKS_INSTALL } from '../../model/toolchain';
import { nextVersion, requiredBump, summaryBump, UnbuildableBaseline, unbuildableBaseline } from './required-bump';

export { SEMVER_CHECKS_INSTALL, SEMVER_CHECKS_VERSION } from '../../model/toolchain';

/** The release compared against; a registry baseline names the index it was found in (option registryIndex). */
export type Baseline = { kind: 'tag'; tag: string; version: string } | { kind: 'registry'; version: string; index: string };

/** This crate's release tag of exactly `version`, from `git tag --list` output. */
export function releaseTagOf(tags: readonly string[], crateName: string, version: string): { tag: string; version: string } | null {
  const tag = tags.find((t) => {
    const parsed = parseReleaseTag(t, crateName);
    return parsed.kind === 'this-crate' && compareVersions(parsed.version, version) === 0;
  });
  return tag ? { tag, version } : null;
}

/** The newest earlier release tag of this crate, from `git tag --list` output. */
export function previousReleaseTag(tags: readonly string[], crateName: string, current: string): { tag: string; version: string } | null {
  const candidates = tags
    .map((tag) => ({ tag, parsed: parseReleaseTag(tag, crateName) }))
    .flatMap(({ tag, parsed }) => (parsed.kind === 'this-crate' && compareVersions(parsed.version, current) < 0 ? [{ tag, version: parsed.version }] : []));
  candidates.sort((a, b) => compareVersions(b.version, a.version));
  return candidates[0] ?? null;
}

export interface SemverFailure {
  /** cargo-semver-checks' lint id, e.g. `function_missing`. */
  lint: string;
  summary: string;
  /** The items named under "Failed in:". */
  items: string[];
}

/** The failed checks of a cargo-semver-checks report: `--- failure <lint>: <summary> ---` and its "Failed in:" lines. */
export function parseSemverFailures(output: string): SemverFailure[] {
  const lines = stripAnsi(output).split('\n');
  const failures: SemverFailure[] = [];
  let current: SemverFailure | null = null;
  let inItems = false;
  for (const line of lines) {
    const head = /^--- failure ([\w-]+): (.*?) ---\s*$/.exec(line.trim());
    if (head) {
      current = { lint: head[1], summary: head[2], items: [] };
      failures.push(current);
      inItems = false;
      continue;
    }
    if (!current) continue;
    if (/^Failed in:\s*$/.test(line.trim())) {
      inItems = true;
      continue;
    }
    if (inItems) {
      if (!line.trim() || /^\S/.test(line)) inItems = false;
      else current.items.push(line.trim().replace(/, previously in file .*$/, '').replace(/ in (file )?\/\S+:\d+$/, ''));
    }
  }
  return failures;
}

export interface SemverFacts {
  enabled: boolean;
  hasLibrary: boolean;
  /** Features the comparison uses, and those the crate does not define. */
  features: string[];
  unknownFeatures: string[];
  /** `cargo semver-checks --version` answered (asked only once there is a baseline). */
  toolInstalled: boolean;
  baseline: Baseline | null;
  /** The registry index asked for an earlier version (option registryIndex), for reasons. */
  index: string;
  /** Why no registry baseline could be read (registry unreachable), when there was no tag either. */
  registryProblem: string | null;
  /** The comparison, when it ran. */
  check: { exitCode: number; output: string } | null;
  version: string;
  /** The baseline is the release tag of this very version (see the file comment). */
  betweenReleases: boolean;
  /** Between releases: the reverse comparison (the release's API against the working tree's), null when it could not run. */
  reverse: { exitCode: number; output: string } | null;
  /** Between releases: whether the crate's files differ from the tag's (null: git could not say). */
  changedSinceBaseline: boolean | null;
}

const describeBaseline = (b: Baseline) => (b.kind === 'tag' ? `release tag ${b.tag}` : `${indexName(b.index)} ${b.version}`);

export function judgeSemver(facts: SemverFacts): GateOutcome {
  const details: Record<string, unknown> = { features: facts.features, baseline: facts.baseline, checked: 0 };
  if (!facts.enabled) return skipped('semver: false turns this gate off', details);
  if (!facts.hasLibrary) return skipped('crate has no library target: no public API to compare', details);
  if (facts.unknownFeatures.length) {
    return failed(`option semverFeatures names feature(s) ${facts.unknownFeatures.join(', ')} the crate does not define; correct semverFeatures`, details);
  }
  if (!facts.baseline) {
    const index = indexName(facts.index);
    if (facts.registryProblem) return skipped(`no release tag, and ${index} could not be asked for an earlier version: ${facts.registryProblem}`, { ...details, registryUnreachable: true });
    return skipped(`first release: no earlier release tag and no earlier version ${index === 'crates.io' ? 'on' : 'in'} ${index} to compare with`, details);
  }
  if (!facts.toolInstalled) return failed(`cargo-semver-checks is not installed; run \`${SEMVER_CHECKS_INSTALL}\`, or set semver: false to opt out`, details);
  if (!facts.check) return failed('cargo semver-checks did not run', details);
  const failures = parseSemverFailures(facts.check.output);
  const checkedMatch = /Checked \[[^\]]*\]\s+(\d+) checks?/.exec(stripAnsi(facts.check.output));
  details.checked = checkedMatch ? Number(checkedMatch[1]) : 0;
  details.failures = failures;
  const unbuildable = facts.check.exitCode === 0 ? null : unbuildableBaseline(facts.check.output);
  if (unbuildable) return failed(describeUnbuildable(facts.baseline, unbuildable), { ...details, unbuildableBaseline: unbuildable });
  if (facts.betweenReleases) return judgeBetweenReleases(facts, facts.check, facts.baseline, details);
  const against = describeBaseline(facts.baseline);
  if (facts.check.exitCode === 0) {
    // A major bump (0.x: a minor one) allows breaking changes, so cargo-semver-checks skips every check: that is no
    // compatibility verdict, and a pass would claim one.
    if (details.checked === 0) {
      const major = /\(major change\)/.test(stripAnsi(facts.check.output)) ? `: ${facts.version} is a major change against ${against}, which may break the API` : '';
      return skipped(`cargo-semver-checks ran no check${major}; nothing was compared`, details);
    }
    return passed(`public API of ${facts.version} is compatible with ${against} (${details.checked} checks)`, details);
  }
  if (failures.length) {
    const items = describeFailures(failures);
    return failed(`breaking change(s) against ${against} without the version bump they need (version ${facts.version}): ${items}; bump the major version (0.x: the minor) or restore the items`, details);
  }
  return failed(`cargo semver-checks against ${against} failed: ${summarizeCargoError(facts.check.output)}`, details);
}

const describeFailures = (failures: SemverFailure[]) => failures.map((f) => `${f.lint} (${f.items.join(', ') || f.summary})`).join('; ');

/** One line for a baseline that does not build here, in place of cargo doc's dump. */
function describeUnbuildable(baseline: Baseline, u: UnbuildableBaseline): string {
  if (baseline.kind === 'tag') return `the crate at release tag ${baseline.tag} does not build here (${u.cause}); install what its build needs, or set semver: false`;
  return (
    `the baseline ${u.crate} ${u.version} from ${indexName(baseline.index)} does not build here (${u.cause}); if it is another project's crate, tag ` +
    `this crate's releases (v<version>) to compare with them; else install what it needs, or set semver: false`
  );
}

/** Between releases: which bump the changes since the tag need, as a pass (see the file comment). */
function judgeBetweenReleases(facts: SemverFacts, check: { output: string }, baseline: Baseline, details: Record<string, unknown>): GateOutcome {
  const against = describeBaseline(baseline);
  const bump = requiredBump({ forward: check.output, reverse: facts.reverse?.output ?? null, changed: facts.changedSinceBaseline });
  if (bump === null) return failed(`cargo semver-checks against ${against} failed: ${summarizeCargoError(check.output)}`, details);
  const next = nextVersion(facts.version, bump);
  const added = facts.reverse ? parseSemverFailures(facts.reverse.output).flatMap((f) => f.items) : [];
  Object.assign(details, { requiredBump: bump, nextVersion: next, added, additionsCompared: facts.reverse !== null });
  const failures = details.failures as SemverFailure[];
  const head = `between releases (${facts.version} is ${against})`;
  if (bump === 'none') return passed(`${head}: the crate is unchanged since the release; no bump needed (${details.checked} checks)`, details);
  const why = failures.length
    ? describeFailures(failures)
    : added.length
      ? `added ${added.join(', ')}`
      : `the public API is unchanged${facts.reverse ? '' : ' (additions were not compared: the reverse comparison could not run)'}`;
  return passed(`${head}: the changes need a ${bump} bump, to ${next}: ${why}`, details);
}

/**
 * The feature arguments of cargo-semver-checks for the release features: exactly these, never its heuristic (all
 * features but unstable-looking ones). `--default-features` and `--only-explicit-features` exclude each other.
 */
export function semverFeatureArgs(features: string[], noDefaultFeatures: boolean): string[] {
  return [noDefaultFeatures ? '--only-explicit-features' : '--default-features', ...features.flatMap((f) => ['--features', f])];
}

type BaselineFacts = Pick<SemverFacts, 'baseline' | 'registryProblem' | 'betweenReleases'> & { changedSinceBaseline?: boolean | null };

/**
 * The baseline: the release tag of this very version between releases, else this crate's newest earlier release tag,
 * else the newest earlier version in the registry index.
 */
async function findBaseline(context: GateContext, facts: SemverFacts): Promise<BaselineFacts> {
  const { crate } = context;
  const tags = await localTags(context);
  const current = tags ? releaseTagOf(tags, crate.name, crate.version) : null;
  if (current) {
    // The tagged commit itself, unchanged, is the release: its bump is judged against the earlier tag.
    const changed = await changedSince(context, current.tag, '.');
    if (changed !== false || !(await tagIsHead(context, current.tag))) {
      return { baseline: { kind: 'tag', ...current }, registryProblem: null, betweenReleases: true, changedSinceBaseline: changed };
    }
  }
  const tag = tags ? previousReleaseTag(tags, crate.name, crate.version) : null;
  if (tag) return { baseline: { kind: 'tag', ...tag }, registryProblem: null, betweenReleases: false };
  const lookup = await lookUpCrate(facts.index, crate.name);
  const version = previousPublished(lookup, crate.version);
  if (version) return { baseline: { kind: 'registry', version, index: facts.index }, registryProblem: null, betweenReleases: false };
  return { baseline: null, registryProblem: lookup.kind === 'unreachable' ? lookup.problem : null, betweenReleases: false };
}

/**
 * The rustdoc JSON files cargo-semver-checks keeps under `<target>/semver-checks/`: the working tree's
 * (`local-<crate>-<version>-<target>-<hash>`) and the tag's (`git-<tag>/local-...`), newest of each (a folder per
 * feature set), or null when either is missing. They are its cache, not its interface: without them the additions
 * are left uncompared, and the result says so.
 */
function rustdocPair(targetDirectory: string, crateName: string, version: string, tag: string): { current: string; baseline: string } | null {
  const root = path.join(targetDirectory, 'semver-checks');
  const underscored = (text: string) => text.replace(/[^A-Za-z0-9]/g, '_');
  const prefix = `local-${underscored(crateName)}-${underscored(version)}-`;
  const newestJson = (dir: string): { file: string; mtime: number } | null => {
    const found = safeList(dir)
      .filter((entry) => entry.isDirectory() && entry.name.startsWith(prefix))
      .flatMap((entry) => {
        const docs = path.join(dir, entry.name, 'target', 'doc');
        return safeList(docs)
          .filter((doc) => doc.isFile() && doc.name.endsWith('.json'))
          .map((doc) => ({ file: path.join(docs, doc.name), mtime: fs.statSync(path.join(docs, doc.name)).mtimeMs }));
      });
    return found.sort((x, y) => y.mtime - x.mtime)[0] ?? null;
  };
  const current = newestJson(root);
  const baseline = newestJson(path.join(root, `git-${underscored(tag)}`));
  return current && baseline ? { current: current.file, baseline: baseline.file } : null;
}

function safeList(dir: string): fs.Dirent[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

/** Between releases: the reverse comparison, which finds the additions the forward report never names. */
async function reverseComparison(context: GateContext, tag: string): Promise<SemverFacts['reverse']> {
  const pair = rustdocPair(await currentTargetDirectory(context), context.crate.name, context.crate.version, tag);
  let reverse: SemverFacts['reverse'] = null;
  if (pair) {
    const result = await context.cargo(
      ['semver-checks', 'check-release', '--current-rustdoc', pair.baseline, '--baseline-rustdoc', pair.current, '--release-type', 'patch'],
      { live: 'none' },
    );
    const output = `${result.stdout}\n${result.stderr}`;
    if (summaryBump(output) !== null) reverse = { exitCode: result.exitCode ?? 1, output };
  }
  return reverse;
}

export const semverGate: GateDefinition = {
  ...gateSpec('semver'),
  async run(context) {
    const { crate, options } = context;
    const features = options.semverFeatures ?? options.features;
    let facts: SemverFacts = {
      enabled: options.semver,
      hasLibrary: crate.hasLibrary,
      features,
      unknownFeatures: unknownFeatures(crate, features),
      toolInstalled: false,
      baseline: null,
      index: options.registryIndex,
      registryProblem: null,
      check: null,
      version: crate.version,
      betweenReleases: false,
      reverse: null,
      changedSinceBaseline: null,
    };
    if (!facts.enabled || !facts.hasLibrary || facts.unknownFeatures.length) return judgeSemver(facts);
    facts = { ...facts, ...(await findBaseline(context, facts)) };
    if (!facts.baseline) return judgeSemver(facts);
    const tool = await context.cargo(['semver-checks', '--version'], { live: 'none' });
    facts.toolInstalled = tool.exitCode === 0 && !tool.notFound;
    if (!facts.toolInstalled) return judgeSemver(facts);
    const baselineArgs = facts.baseline.kind === 'tag' ? ['--baseline-rev', facts.baseline.tag] : ['--baseline-version', facts.baseline.version];
    // Between releases nothing is bumped yet: judging the changes as a patch release makes every needed bump show.
    const releaseType = facts.betweenReleases ? ['--release-type', 'patch'] : [];
    const check = await context.cargo(
      ['semver-checks', 'check-release', '--manifest-path', 'Cargo.toml', '-p', crate.name, ...baselineArgs, ...releaseType, ...semverFeatureArgs(features, options.noDefaultFeatures)],
      { live: 'all' },
    );
    facts.check = { exitCode: check.exitCode ?? 1, output: `${check.stdout}\n${check.stderr}` };
    if (facts.betweenReleases && facts.baseline.kind === 'tag' && summaryBump(facts.check.output) === 'none') {
      facts.reverse = await reverseComparison(context, facts.baseline.tag);
    }
    return judgeSemver(facts);
  },
  keyFigure: (r) => {
    const baseline = r.details.baseline as Baseline | null | undefined;
    if (!baseline) return '';
    const against = `vs ${baseline.kind === 'tag' ? baseline.tag : baseline.version}`;
    const bump = r.details.requiredBump as string | undefined;
    if (bump) return bump === 'none' ? `${against}: unchanged` : `${against}: needs ${bump} (${r.details.nextVersion})`;
    const failures = (r.details.failures as SemverFailure[] | undefined) ?? [];
    return `${against}: ${failures.length ? `${failures.length} breaking` : 'compatible'}`;
  },
};
