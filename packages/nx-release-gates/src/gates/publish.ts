/**
 * gate-publish: `cargo publish --dry-run` with the configured features (gate 7 of the original release workflow):
 * packages the crate, checks the registry accepts its metadata and dependencies, and verifies the packaged crate
 * builds on its own. Nothing is uploaded.
 *
 * - `--allow-dirty`: the dry run checks what the current files would publish. Whether the tree is committed is
 *   gate-lockfile's and the release report's question; without the flag every uncommitted edit on a laptop would
 *   fail this gate for a reason that says nothing about publishability, and the real release (a clean tag
 *   checkout) never has a dirty tree anyway.
 * - A registry that cannot be reached gives `skipped` with cargo's network error: neither a pass (nothing was
 *   checked against the registry) nor a failure (nothing is wrong with the crate).
 * - Never cached (`cacheable: false`): the answer depends on the registry (reachability, what it holds), which no
 *   Nx input sees; a cached "registry unreachable" would otherwise hide the check until the crate changed. Cargo's
 *   own target directory keeps the verify build incremental for dependencies.
 */
import { stripAnsi, summarizeCargoError } from '../cargo/cargo-errors';
import { lockedArgs } from './build';
import { featureArgs } from './feature-sets';
import { packageSelection, siblingsToInclude } from '../cargo/path-siblings';
import { publishedVersions } from '../cargo/registry-index';
import type { CrateModel } from '../cargo/crate-model';
import { failed, GateDefinition, GateOutcome, passed, skipped } from './types';

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

/** curl error codes and cargo/HTTP messages that mean "the registry did not answer", not "the crate is wrong". */
const UNREACHABLE = [
  /\[(5|6|7|28|35|52|55|56)\]/, // curl: proxy/host resolution, connect, timeout, TLS connect, empty reply, send/recv
  /could ?n[o']t resolve (host|proxy)/i,
  /could ?n[o']t connect to (server|host)/i,
  /connection refused/i,
  /operation timed out|timed out/i,
  /network is unreachable|no route to host/i,
  /spurious network error/i,
  /failed to get successful HTTP response from .*, got 5\d\d/i,
  /attempting to make an HTTP request, but --offline was specified/i,
  /you're using offline mode/i,
];

/** Whether cargo's stderr says the registry (index or API) could not be reached. */
export function registryUnreachable(stderr: string): boolean {
  const text = stripAnsi(stderr);
  // A compile error of the verify build (a build script that fetches, say) is the crate's failure, not the registry's.
  if (/could not compile|failed to verify package tarball/i.test(text)) return false;
  // Judge cargo's own error chain: from its first `error:` line on, not the build output before it.
  const start = text.search(/^error(\[\w+\])?:/m);
  const chain = start >= 0 ? text.slice(start) : text;
  return UNREACHABLE.some((pattern) => pattern.test(chain));
}

/** `warning:` lines of cargo, minus the dry run's own notice. */
export function publishWarnings(stderr: string): string[] {
  return stripAnsi(stderr)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('warning:') && !/aborting upload due to dry run/.test(l))
    .map((l) => l.replace(/^warning:\s*/, ''));
}

/** `Packaged 6 files, 1.2KiB (901B compressed)` -> 6. */
export function packagedFileCount(stderr: string): number | null {
  const match = /Packaged (\d+) files?/.exec(stripAnsi(stderr));
  return match ? Number(match[1]) : null;
}

export const publishGate: GateDefinition = {
  name: 'publish',
  cacheable: false,
  // It rewrites target/package/<crate>-<version>.crate (gate-package reads it) and verify-builds into target/debug
  // (gate-doc's check builds live there).
  targetDirectoryParts: ['package', 'debug'],
  description:
    '`cargo publish --dry-run --allow-dirty` with the configured features; an unreachable registry is `skipped`, never a pass or a failure. Never cached.',
  async run(context) {
    const { features, noDefaultFeatures } = context.options;
    const details: Record<string, unknown> = { features, noDefaultFeatures };
    if (!context.crate.publish) {
      return skipped(`crate ${context.crate.name} is not published (publish = false in ${context.crate.manifestPath})`, details);
    }
    const readiness = publishReadiness(context.crate);
    details.readiness = readiness;
    for (const warning of readiness.warnings) context.log.warn(warning);
    const notReady = readinessOutcome(readiness, details);
    if (notReady) return notReady;
    const siblings = siblingsToInclude(context);
    details.withSiblings = siblings;
    const selection = packageSelection(context.crate.name, siblings, features);
    const result = await context.cargo(
      ['publish', '--dry-run', '--allow-dirty', ...selection.packages, ...featureArgs(selection.features, noDefaultFeatures), ...lockedArgs(context)],
      { live: 'all' },
    );
    details.warnings = [...readiness.warnings, ...publishWarnings(result.stderr)];
    details.packagedFiles = packagedFileCount(result.stderr);
    // What the dry run checked: the packaged files (or 1, the crate, when cargo did not say).
    details.checked = (details.packagedFiles as number | null) ?? (result.exitCode === 0 ? 1 : 0);
    if (result.exitCode === 0) {
      const warned = (details.warnings as string[]).length;
      const together = siblings.length ? ` (packaged together with unpublished path dependencies ${siblings.join(', ')})` : '';
      return passed(`cargo publish --dry-run passed${together}${warned ? ` with ${warned} warning(s): ${(details.warnings as string[]).join('; ')}` : ''}`, details);
    }
    const error = summarizeCargoError(result.stderr);
    if (registryUnreachable(result.stderr)) {
      details.registryUnreachable = true;
      return skipped(`registry unreachable, publish dry run not checked: ${error}`, details);
    }
    // The names the dry run may have met on crates.io: the crate's own, and path dependencies not packaged with it.
    const candidates = [
      { name: context.crate.name, isCrate: true },
      ...context.crate.pathDependencies.filter((d) => d.kind !== 'dev' && !siblings.includes(d.name)).map((d) => ({ name: d.name, isCrate: false })),
    ];
    const taken: TakenName[] = [];
    for (const candidate of candidates) {
      const answer = await publishedVersions(candidate.name);
      if ('versions' in answer && answer.versions.length) taken.push({ ...candidate, versions: answer.versions.map((v) => v.version) });
    }
    details.takenNames = taken;
    return failed(publishFailureReason(error, taken, context.crate.version), details);
  },
  keyFigure: (r) => {
    if (r.details.registryUnreachable) return 'registry unreachable';
    const files = typeof r.details.packagedFiles === 'number' ? `${r.details.packagedFiles} files` : '';
    const warnings = ((r.details.warnings as string[] | undefined) ?? []).length;
    return [files, warnings ? `${warnings} warning${warnings === 1 ? '' : 's'}` : ''].filter(Boolean).join(', ');
  },
};
