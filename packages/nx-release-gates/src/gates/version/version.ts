/**
 * gate-version: tag, Cargo.toml version and `binary --version` agree.
 * - The crate version is valid semver.
 * - With a release tag (RELEASE_TAG, or GITHUB_REF_NAME when GITHUB_REF_TYPE=tag) of the form v1.7.2 or
 *   <crate>-v1.7.2, the tag's version equals the crate's. A `<other>-v...` tag releases another crate: `skipped`.
 * - The tag does not exist locally yet (a tag already pushed burns the version). On a tag push the tag is the ref
 *   being built, so there it must exist and point at the checked-out commit instead.
 * - With `versionCommand` (e.g. ["--version"]), the binary gate-build left in dist/release-gates/<project>/bin
 *   prints the crate version; the target then depends on gate-build.
 *
 * - The version is not in the registry index yet (option registryIndex, crates.io by default): a local tag check
 *   alone passes a version crates.io already holds. A published version whose .crate equals the one packaged now is
 *   a resumed release and passes, said so.
 *
 * Cached by what it reads (cache-key/outside-state.ts): the registry index entry, this crate's release tags with
 * their commits, and HEAD (a tag push must build the tag); a version published meanwhile or a new tag re-runs it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cargoPackage, crateWrittenThisRun } from '../../ops/cargo-package';
import { checkPublishedVersion, fileSha256, PublishedVersionVerdict } from '../../ops/published-version';
import { findRepository, headCommit, tagCommit } from '../../ops/git';
import { firstVersionLike, isSemver, outputShowsVersion, parseReleaseTag, releaseTagFromEnv, ReleaseTagSource } from '../../model/release-tag';
import { binaryFile } from '../../ops/release-build';
import { failed, GateContext, GateDefinition, GateOutcome, passed, skipped, UpstreamResult } from '../types';
import { gateSpec } from '../../model/catalog';

const VERSION_COMMAND_TIMEOUT_MS = 60_000;

/** The binary `versionCommand` runs: the one named like the crate, else the only one. */
export function versionBinary(crateName: string, binaries: readonly string[]): string | null {
  if (binaries.includes(crateName)) return crateName;
  return binaries.length === 1 ? binaries[0] : null;
}

export interface VersionFacts {
  crate: { name: string; version: string; manifestPath: string; binaries: readonly string[]; publish: boolean };
  /** The release tag this run releases (from the environment), or null. */
  releaseTag: ReleaseTagSource | null;
  /** `versionCommand` (empty: the binary is not asked). */
  versionCommand: readonly string[];
  /** Where the release tag points and the checked-out commit, or why git cannot say. */
  tag?: { problem: string } | { commit: string | null; head: string | null };
  /** gate-build's result in this run and whether the binary is in its bin folder (relative to the workspace). */
  built?: { build: UpstreamResult; binFolder: string; found: boolean };
  /** What `<binary> <versionCommand>` did: its output is stdout then stderr. */
  versionOutput?: { timedOut: boolean; exitCode: number; output: string };
  /** judgePublishedVersion's verdict on the registry index. */
  registry?: PublishedVersionVerdict;
}

/** The facts judgeVersion asks for one at a time: each costs a command or a request, and only a verdict still open needs it. */
export type VersionFactName = 'tag' | 'built' | 'versionOutput' | 'registry';

/** The verdict, or the fact it needs next (the executor collects it and asks again). */
export type VersionVerdict = { outcome: GateOutcome } | { next: VersionFactName };

export function judgeVersion(facts: VersionFacts): VersionVerdict {
  const { crate, releaseTag: given, versionCommand } = facts;
  const version = crate.version;
  const done = (outcome: GateOutcome): VersionVerdict => ({ outcome });
  const details: Record<string, unknown> = { version, tag: null };
  if (!isSemver(version)) return done(failed(`crate version "${version}" is not semver (MAJOR.MINOR.PATCH); fix version in ${crate.manifestPath}`, details));

  const checks: string[] = [];
  if (given) {
    details.tag = given.tag;
    details.tagSource = given.source;
    const parsed = parseReleaseTag(given.tag, crate.name);
    if (parsed.kind === 'invalid') return done(failed(`${parsed.problem} (from ${given.source})`, details));
    if (parsed.kind === 'other-crate') {
      details.tagCrate = parsed.crate;
      return done(skipped(`release tag ${given.tag} (from ${given.source}) releases crate ${parsed.crate}, not ${crate.name}`, details));
    }
    details.tagVersion = parsed.version;
    if (parsed.version !== version) {
      return done(failed(`release tag ${given.tag} (from ${given.source}) is version ${parsed.version}, but ${crate.manifestPath} has ${version}; bump the crate version or fix the tag`, details));
    }
    if (!facts.tag) return { next: 'tag' };
    if ('problem' in facts.tag) return done(failed(`cannot check whether tag ${given.tag} exists: ${facts.tag.problem}`, details));
    const { commit: tagged, head } = facts.tag;
    details.tagExists = tagged !== null;
    if (tagged) {
      if (!given.tagPush) {
        return done(failed(`tag ${given.tag} already exists locally (commit ${tagged.slice(0, 12)}); version ${version} is taken: bump the version`, details));
      }
      if (tagged !== head) {
        return done(failed(`tag ${given.tag} points at ${tagged.slice(0, 12)}, but the checkout is ${head?.slice(0, 12) ?? 'not a commit'}; build the tagged commit`, details));
      }
      checks.push(`tag ${given.tag} is the checked-out commit`);
    } else {
      checks.push(given.tagPush ? `tag ${given.tag} matches` : `tag ${given.tag} matches and is not taken yet`);
    }
  }
  if (versionCommand.length) {
    const name = versionBinary(crate.name, crate.binaries);
    if (!name) {
      const why = crate.binaries.length ? `has several binaries (${crate.binaries.join(', ')}) and none is named ${crate.name}` : 'has no binary target';
      return done(failed(`versionCommand is set, but crate ${crate.name} ${why}; remove versionCommand for this crate`, details));
    }
    if (!facts.built) return { next: 'built' };
    const { build } = facts.built;
    if ('problem' in build) return done(failed(`versionCommand needs the binary gate-build builds: ${build.problem}`, details));
    if (build.result.status !== 'passed') return done(failed(`versionCommand needs the binary gate-build builds, but gate-build did not pass in this run (${build.result.status})`, details));
    if (!facts.built.found) {
      return done(failed(`binary ${name} missing from ${facts.built.binFolder}: gate-build did not produce it (gate-version depends on gate-build when versionCommand is set)`, details));
    }
    if (!facts.versionOutput) return { next: 'versionOutput' };
    const { output, timedOut, exitCode } = facts.versionOutput;
    const command = `\`${name} ${versionCommand.join(' ')}\``;
    details.binary = name;
    details.binaryOutput = output.split('\n').slice(0, 3).join('\n');
    if (timedOut) return done(failed(`${command} did not finish within ${VERSION_COMMAND_TIMEOUT_MS / 1000} s; check versionCommand`, details));
    if (exitCode !== 0) return done(failed(`${command} exited with code ${exitCode}: ${output.split('\n')[0] || 'no output'}`, details));
    if (!outputShowsVersion(output, version)) {
      const seen = firstVersionLike(output);
      return done(failed(`${command} prints ${seen ? `version ${seen}` : `"${output.split('\n')[0]}"`}, not ${version}; rebuild, or fix the version the binary reports`, details));
    }
    checks.push(`${command} prints it`);
  }
  if (crate.publish) {
    if (!facts.registry) return { next: 'registry' };
    const registry = facts.registry;
    details.registry = registry.kind;
    details.registryCheck = registry.sentence;
    if (registry.kind === 'taken') return done(failed(registry.sentence, { ...details, checked: checks.length + 2 }));
    if (registry.kind === 'unknown') return done(skipped(`version ${version} checked locally, but ${registry.sentence}`, { ...details, checked: checks.length + 1 }));
    checks.push(registry.kind === 'resumed' ? registry.sentence : `${crate.name}@${version} is not published yet`);
  }
  details.checked = checks.length + 1;
  const noTag = given ? '' : ' (no release tag given: set RELEASE_TAG to check one)';
  return done(passed(`version ${version} is semver${checks.length ? `; ${checks.join('; ')}` : ''}${noTag}`, details));
}

/** Collects the fact judgeVersion asks for. */
async function collect(context: GateContext, facts: VersionFacts, next: VersionFactName): Promise<Partial<VersionFacts>> {
  switch (next) {
    case 'tag': {
      const repo = await findRepository(context);
      if (typeof repo === 'string') return { tag: { problem: repo } };
      const commit = await tagCommit(context, repo, facts.releaseTag!.tag);
      return { tag: { commit, head: commit ? await headCommit(context, repo) : null } };
    }
    case 'built': {
      const binDir = path.join(context.resultDir, 'bin');
      const name = versionBinary(facts.crate.name, facts.crate.binaries)!;
      return { built: { build: context.upstream('build'), binFolder: path.relative(context.workspaceRoot, binDir), found: binaryFile(binDir, name) !== null } };
    }
    case 'versionOutput': {
      const file = binaryFile(path.join(context.resultDir, 'bin'), versionBinary(facts.crate.name, facts.crate.binaries)!)!;
      // A binary that waits for input or a server must not hang the release: 60 s is far more than printing a version takes.
      const result = await context.run(file, [...facts.versionCommand], { live: 'none', timeoutMs: VERSION_COMMAND_TIMEOUT_MS });
      return { versionOutput: { timedOut: result.timedOut, exitCode: result.exitCode, output: `${result.stdout}\n${result.stderr}`.trim() } };
    }
    case 'registry':
      return { registry: await registryCheck(context) };
  }
}

/**
 * The registry's word on this version. Only when the version is taken is the crate packaged (into a temporary target
 * directory, so gate-package's and gate-publish's target/package is never touched) to tell a resumed release (same
 * .crate as the published one) from a version that must be bumped.
 */
async function registryCheck(context: GateContext): Promise<PublishedVersionVerdict> {
  const { crate, options } = context;
  return checkPublishedVersion({ index: options.registryIndex, crate: crate.name, version: crate.version }, () => packagedChecksum(context));
}

/** sha256 of the .crate `cargo package` writes now, in a temporary target directory; null when it fails. */
async function packagedChecksum(context: GateContext): Promise<string | null> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'nx-release-gates-version-'));
  try {
    const { result } = await cargoPackage(context, scratch);
    if (result.exitCode !== 0) return null;
    const found = crateWrittenThisRun([path.join(scratch, 'package')], context.crate.name, context.crate.version, context.startedAt);
    return found.written === 'this-run' ? fileSha256(found.file) : null;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

export const versionGate: GateDefinition = {
  ...gateSpec('version'),
  async run(context) {
    const { crate, options } = context;
    let facts: VersionFacts = {
      crate: { name: crate.name, version: crate.version, manifestPath: crate.manifestPath, binaries: crate.binaries, publish: crate.publish },
      releaseTag: releaseTagFromEnv(context.env),
      versionCommand: options.versionCommand ?? [],
    };
    for (;;) {
      const verdict = judgeVersion(facts);
      if ('outcome' in verdict) return verdict.outcome;
      facts = { ...facts, ...(await collect(context, facts, verdict.next)) };
    }
  },
  keyFigure: (r) => {
    const tag = typeof r.details.tag === 'string' ? ` (tag ${r.details.tag})` : '';
    return `${r.version || String(r.details.version ?? '')}${tag}`;
  },
};
