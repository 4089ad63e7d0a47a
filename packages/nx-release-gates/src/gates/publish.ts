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
import { failed, GateDefinition, passed, skipped } from './types';

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
    const siblings = siblingsToInclude(context);
    details.withSiblings = siblings;
    const selection = packageSelection(context.crate.name, siblings, features);
    const result = await context.cargo(
      ['publish', '--dry-run', '--allow-dirty', ...selection.packages, ...featureArgs(selection.features, noDefaultFeatures), ...lockedArgs(context)],
      { live: 'all' },
    );
    details.warnings = publishWarnings(result.stderr);
    details.packagedFiles = packagedFileCount(result.stderr);
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
    return failed(`cargo publish --dry-run failed: ${error}`, details);
  },
  keyFigure: (r) => {
    if (r.details.registryUnreachable) return 'registry unreachable';
    const files = typeof r.details.packagedFiles === 'number' ? `${r.details.packagedFiles} files` : '';
    const warnings = ((r.details.warnings as string[] | undefined) ?? []).length;
    return [files, warnings ? `${warnings} warning${warnings === 1 ? '' : 's'}` : ''].filter(Boolean).join(', ');
  },
};
