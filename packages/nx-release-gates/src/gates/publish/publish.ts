/**
 * gate-publish: `cargo publish --dry-run` with the configured features:
 * packages the crate, checks the registry accepts its metadata and dependencies, and verifies the packaged crate
 * builds on its own. Nothing is uploaded.
 *
 * - `--allow-dirty`: the dry run checks what the current files would publish. Whether the tree is committed is
 *   gate-lockfile's and the release report's question; without the flag every uncommitted edit on a laptop would
 *   fail this gate for a reason that says nothing about publishability, and the real release (a clean tag
 *   checkout) never has a dirty tree anyway.
 * - A registry that cannot be reached gives `skipped` with cargo's network error: neither a pass (nothing was
 *   checked against the registry) nor a failure (nothing is wrong with the crate).
 * - A version the registry index (option registryIndex) already holds fails: the real publish would refuse it.
 *   When the packaged .crate's sha256 equals the index's checksum the release is being resumed: passed, and said.
 * - Cached by the registry index entries of the crate and its path dependencies (cache-key/outside-state.ts), so a
 *   version published meanwhile re-runs it; when the index cannot be asked the key never matches and the gate runs.
 *   The verify build reads what the other building gates read (crate files, path dependencies, Cargo.lock, the
 *   fingerprint), all in the same key; a crate without Cargo.lock resolves afresh and adds the resolution's state.
 */
import { registryUnreachable, stripAnsi, summarizeCargoError } from '../../parsers/cargo-errors';
import { lockedArgs } from '../../model/crate-model';
import * as path from 'node:path';
import { crateWrittenThisRun, packageDirectory, selectPackages } from '../../ops/cargo-package';
import { lookUpCrate } from '../../ops/registry-index';
import { checkPublishedVersion, fileSha256, PublishedVersionVerdict } from '../../ops/published-version';
import { firstFew } from '../../model/reason';
import { failed, GateContext, GateDefinition, GateOutcome, passed, skipped } from '../types';
import type { CrateModel } from '../../model/crate-model';
import { gateSpec } from '../../model/catalog';

export interface Readiness {
  /** What crates.io refuses at upload time, each with the line to add. */
  errors: string[];
  /** What crates.io shows on the crate's page and is missing. */
  warnings: string[];
}

/**
 * cargo-release's metadata check, before the dry run: crates.io refuses a crate without `description`, without
 * `license`/`license-file`, or with a path dependency that has no `version` (dev-dependencies are stripped, so they
 * may). `documentation`, `homepage` and `repository` are only warnings. Each message carries the line to add.
 */
export function publishReadiness(crate: Pick<CrateModel, 'name' | 'manifestPath' | 'pathDependencies' | 'publishMetadata'>): Readiness {
  const meta = crate.publishMetadata;
  const errors: string[] = [];
  const warnings: string[] = [];
  const where = `under [package] in ${crate.manifestPath}`;
  if (meta) {
    if (!meta.description?.trim()) errors.push(`no description: add \`description = "What ${crate.name} does, in one line"\` ${where}`);
    if (!meta.license?.trim() && !meta.licenseFile?.trim()) errors.push(`no license: add \`license = "MIT OR Apache-2.0"\` (an SPDX expression) or \`license-file = "LICENSE"\` ${where}`);
    for (const [field, example] of [['documentation', 'https://docs.rs/' + crate.name], ['homepage', 'https://example.com/' + crate.name], ['repository', 'https://github.com/owner/' + crate.name]] as const) {
      if (!meta[field]?.trim()) warnings.push(`no ${field}: add \`${field} = "${example}"\` ${where}`);
    }
  }
  for (const dep of crate.pathDependencies) {
    if (dep.kind === 'dev' || dep.versionRequirement !== null || dep.versionRequirement === undefined) continue;
    const version = dep.targetVersion ?? '<its version>';
    const section = dep.kind === 'build' ? '[build-dependencies]' : '[dependencies]';
    errors.push(`path dependency ${dep.name} has no version (crates.io needs one): write \`${dep.name} = { path = "${dep.root}", version = "${version}" }\` in ${section} of ${crate.manifestPath} (path relative to the crate)`);
  }
  return { errors, warnings };
}

/** A name on crates.io that the failed dry run met: the crate itself, or a path dependency resolved from there. */
export interface TakenName {
  name: string;
  versions: string[];
  isCrate: boolean;
}

/** The reason of a failed dry run, naming a crates.io name conflict when that is the likely cause. */
export function publishFailureReason(cargoError: string, taken: readonly TakenName[], version: string): string {
  const own = taken.find((t) => t.isCrate);
  if (own && /already exists|already uploaded/i.test(cargoError)) {
    return `crate ${own.name} ${version} is already on crates.io (published versions: ${own.versions.join(', ')}); if that crate is not yours the name is taken by someone else: rename the package; otherwise bump the version (cargo: ${cargoError})`;
  }
  const dependency = taken.find((t) => !t.isCrate);
  if (dependency) {
    return `the verify build resolved path dependency ${dependency.name} from crates.io, where that name is taken (versions ${dependency.versions.join(', ')}): it compiled that crate's code, not yours; rename ${dependency.name} or publish yours first (cargo: ${cargoError})`;
  }
  return `cargo publish --dry-run failed: ${cargoError}`;
}

export function readinessOutcome(readiness: Readiness, details: Record<string, unknown>): GateOutcome | null {
  if (!readiness.errors.length) return null;
  return failed(`crates.io would refuse the crate: ${readiness.errors.join('; ')}`, { ...details, readiness, checked: 0 });
}

/**
 * cargo publish's own warnings (manifest metadata, a version already in the index) apart from the compiler warnings
 * of its verify build, which sit between `Verifying`/`Compiling` and `Finished`: a crate with two dozen lint warnings
 * must not bury the one line about publishing. The "already exists" notice is judged from the index instead.
 */
export function splitPublishWarnings(stderr: string): { publish: string[]; compiler: string[] } {
  const publish: string[] = [];
  const compiler: string[] = [];
  let inBuild = false;
  for (const raw of stripAnsi(stderr).split('\n')) {
    const line = raw.trim();
    if (/^(Verifying|Compiling) /.test(line)) inBuild = true;
    else if (/^(Finished|Uploading|Packaging) /.test(line)) inBuild = false;
    if (!line.startsWith('warning:')) continue;
    const text = line.replace(/^warning:\s*/, '');
    if (/aborting upload due to dry run/.test(text)) continue;
    if (inBuild) {
      // cargo's per-target tally ("`x` (bin "x") generated 3 warnings") is no warning of its own.
      if (!/generated \d+ warnings?/.test(text)) compiler.push(text);
      continue;
    }
    if (/already exists on .* index/.test(text)) continue;
    publish.push(text);
  }
  return { publish, compiler };
}

/** `Packaged 6 files, 1.2KiB (901B compressed)` -> 6. */
export function packagedFileCount(stderr: string): number | null {
  const match = /Packaged (\d+) files?/.exec(stripAnsi(stderr));
  return match ? Number(match[1]) : null;
}

export interface PublishFacts {
  exitCode: number;
  stderr: string;
  siblings: string[];
  /** What the registry index says about this version, judged against the .crate the dry run packaged. */
  registry: PublishedVersionVerdict;
  /** crates.io's page warnings (documentation, homepage, repository missing), from publishReadiness. */
  readinessWarnings: string[];
  /** Names on crates.io a failed dry run met (the crate's own, or a path dependency resolved from there). */
  taken: TakenName[];
  version: string;
}

export function judgePublish(facts: PublishFacts, details: Record<string, unknown>): GateOutcome {
  const { publish, compiler } = splitPublishWarnings(facts.stderr);
  const packagedFiles = packagedFileCount(facts.stderr);
  const all = { ...details, warnings: publish, readinessWarnings: facts.readinessWarnings, takenNames: facts.taken, compilerWarnings: compiler.length, packagedFiles, checked: packagedFiles ?? 0, registry: facts.registry.kind, registryCheck: facts.registry.sentence };
  if (facts.exitCode !== 0) {
    const error = summarizeCargoError(facts.stderr);
    if (registryUnreachable(facts.stderr)) return skipped(`registry unreachable, publish dry run not checked: ${error}`, { ...all, registryUnreachable: true });
    return failed(publishFailureReason(error, facts.taken, facts.version), all);
  }
  if (facts.registry.kind === 'taken') return failed(facts.registry.sentence, all);
  if (facts.registry.kind === 'unknown') return skipped(`cargo publish --dry-run passed, but ${facts.registry.sentence}`, { ...all, registryUnreachable: true });
  const together = facts.siblings.length ? ` (packaged together with unpublished path dependencies ${firstFew(facts.siblings)})` : '';
  const warned = publish.length ? ` with ${publish.length} publish warning(s): ${firstFew(publish, 1)}` : '';
  const built = compiler.length ? `; the verify build had ${compiler.length} compiler warning(s)` : '';
  const resumed = facts.registry.kind === 'resumed' ? `; ${facts.registry.sentence}` : '';
  return passed(`cargo publish --dry-run passed${together}${warned}${built}${resumed}`, all);
}

/** The index entry for the crate, judged against the .crate cargo just packaged (null: none was). */
export async function registryVerdict(context: GateContext, packagedCrate: string | null): Promise<PublishedVersionVerdict> {
  const { crate, options } = context;
  return checkPublishedVersion({ index: options.registryIndex, crate: crate.name, version: crate.version }, async () => (packagedCrate ? fileSha256(packagedCrate) : null));
}

/**
 * The .crate this dry run packaged: cargo publish writes it to target/package/tmp-crate/ (cargo 1.8x and later),
 * cargo package to target/package/. Only a file written during this gate counts, never an earlier run's.
 */
async function packagedCrateFile(context: GateContext): Promise<string | null> {
  const packageDir = await packageDirectory(context);
  const found = crateWrittenThisRun([path.join(packageDir, 'tmp-crate'), packageDir], context.crate.name, context.crate.version, context.startedAt);
  return found.written === 'this-run' ? found.file : null;
}

/** Names in the registry index a failed dry run may have met: the crate's own, or a path dependency not packaged with it. */
async function takenNames(context: GateContext, siblings: readonly string[]): Promise<TakenName[]> {
  const candidates = [
    { name: context.crate.name, isCrate: true },
    ...context.crate.pathDependencies.filter((d) => d.kind !== 'dev' && !siblings.includes(d.name)).map((d) => ({ name: d.name, isCrate: false })),
  ];
  const taken: TakenName[] = [];
  for (const candidate of candidates) {
    const lookup = await lookUpCrate(context.options.registryIndex, candidate.name);
    if (lookup.kind === 'found' && lookup.versions.length) taken.push({ ...candidate, versions: lookup.versions.map((v) => v.version) });
  }
  return taken;
}

export const publishGate: GateDefinition = {
  ...gateSpec('publish'),
  async run(context) {
    const { features, noDefaultFeatures } = context.options;
    const details: Record<string, unknown> = { features, noDefaultFeatures };
    if (!context.crate.publish) {
      return skipped(`crate ${context.crate.name} is not published (publish = false in ${context.crate.manifestPath})`, { ...details, checked: 0 });
    }
    const readiness = publishReadiness(context.crate);
    details.readiness = readiness;
    for (const warning of readiness.warnings) context.log.warn(warning);
    const notReady = readinessOutcome(readiness, details);
    if (notReady) return notReady;
    const { siblings, args } = selectPackages(context);
    details.withSiblings = siblings;
    const result = await context.cargo(['publish', '--dry-run', '--allow-dirty', ...args, ...lockedArgs(context)], { live: 'all' });
    const packaged = result.exitCode === 0 ? await packagedCrateFile(context) : null;
    const registry = await registryVerdict(context, packaged);
    const taken = result.exitCode !== 0 && !registryUnreachable(result.stderr) ? await takenNames(context, siblings) : [];
    return judgePublish({ exitCode: result.exitCode, stderr: result.stderr, siblings, registry, readinessWarnings: readiness.warnings, taken, version: context.crate.version }, details);
  },
  keyFigure: (r) => {
    if (r.details.registry === 'taken') return 'version taken';
    if (r.details.registryUnreachable) return 'registry unreachable';
    const files = typeof r.details.packagedFiles === 'number' ? `${r.details.packagedFiles} files` : '';
    const warnings = ((r.details.warnings as string[] | undefined) ?? []).length;
    const resumed = r.details.registry === 'resumed' ? 'resumed' : '';
    return [files, warnings ? `${warnings} warning${warnings === 1 ? '' : 's'}` : '', resumed].filter(Boolean).join(', ');
  },
};
