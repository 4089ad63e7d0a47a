/**
 * gate-lockfile: the release builds exactly the dependency versions that were committed. Cargo.lock exists, git
 * tracks it, it has no uncommitted change, and it agrees with the manifests: cargo would not rewrite it.
 *
 * The agreement check is `cargo update --workspace --locked --offline`: it re-resolves only the workspace's own
 * packages against the locked versions, so it fails exactly when cargo would have to change Cargo.lock (a member's
 * version bump, a dependency added, removed or re-ranged), needs only registry index entries (never crate
 * downloads) and writes nothing because of --locked. When the index cache lacks an entry it needs (fresh CI
 * machine), it runs again online; that still downloads no crate.
 *
 * Cached: its answer depends on Cargo.lock's content, the manifests of its Cargo workspace and how git sees the
 * lockfile (tracked, staged, modified, ignored). The crate's files are file inputs; the rest is the `lockfile` state
 * input (src/gate-state/), so a lockfile edit, a `git add` or a sibling member's manifest edit re-runs the gate.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { summarizeCargoError, stripAnsi } from '../../parsers/cargo-errors';
import { joinRoot } from '../../model/crate-model';
import { FileState, fileState, findRepository } from '../../ops/git';
import { failed, GateDefinition, GateOutcome, passed, skipped } from '../types';
import { gateSpec } from '../../model/catalog';

const OFFLINE_MISS = /you're using offline mode|--offline was specified|offline mode/i;

/** Lines where cargo says what it would have changed in Cargo.lock (`Updating a v0.1.0 -> v0.2.0`, `Adding b`). */
export function lockChanges(stderr: string): string[] {
  return stripAnsi(stderr)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^(Updating|Adding|Removing|Downgrading|Upgrading)\s+\S+\s+v?\d/.test(l));
}

/** Whether an offline check failed only because the local index cache lacks an entry (then ask the index online). */
export function needsOnlineCheck(offlineStderr: string): boolean {
  return OFFLINE_MISS.test(offlineStderr) && !/cannot update the lock file/.test(offlineStderr);
}

/** What `cargo update --workspace --locked` said: the last of its runs (offline, or online after an offline miss). */
export interface LockCheck {
  offline: boolean;
  exitCode: number;
  stderr: string;
}

export type LockfileFacts =
  /** No Cargo.lock: `expected` is where cargo would write it. */
  | { lockfile: null; expected: string }
  | {
      /** Cargo.lock relative to the workspace root. */
      lockfile: string;
      /** How many packages it pins. */
      lockedPackages: number;
      /** How git sees it, or why git cannot say (no repository, git failed). */
      git: { state: FileState } | { problem: string };
      /** The agreement check; null when it was not run (git's state already decides). */
      check: LockCheck | null;
    };

const fixFor = (lockfile: string, state: Exclude<FileState, 'clean'>): string =>
  ({
    untracked: `${lockfile} is not tracked by git; \`git add ${lockfile}\` and commit it`,
    ignored: `${lockfile} is ignored by git (.gitignore); remove the ignore rule, then \`git add ${lockfile}\` and commit it`,
    staged: `${lockfile} is staged but not committed; commit it`,
    modified: `${lockfile} has uncommitted changes; commit them (or \`git checkout -- ${lockfile}\` to drop them)`,
    deleted: `${lockfile} is deleted in the working tree or the index; restore it and commit`,
  })[state];

export function judgeLockfile(facts: LockfileFacts): GateOutcome {
  if (facts.lockfile === null) {
    return failed(`no Cargo.lock at ${facts.expected}; run \`cargo generate-lockfile\` and commit it (releases must build from the committed lockfile)`, {
      lockfile: facts.expected,
    });
  }
  const { lockfile, git, check } = facts;
  const details: Record<string, unknown> = { lockfile, checked: facts.lockedPackages };
  if ('problem' in git) return failed(git.problem, details);
  details.gitState = git.state;
  if (git.state !== 'clean') return failed(fixFor(lockfile, git.state), details);
  if (!check) return failed(`${lockfile} is committed, but its agreement with the manifests was not checked`, details);
  details.offline = check.offline;
  if (check.exitCode !== 0) {
    const stderr = stripAnsi(check.stderr);
    if (/cannot update the lock file .* because --locked was passed/.test(stderr)) {
      const changes = lockChanges(stderr);
      details.wouldChange = changes;
      const shown = changes.length ? `: ${changes.join('; ')}` : '';
      return failed(`${lockfile} does not match the manifests, cargo would rewrite it${shown}; run \`cargo update --workspace\` and commit ${lockfile}`, details);
    }
    if (/failed to (download|query|fetch|get)|Could not connect|Couldn't resolve|timed out|network/i.test(stderr)) {
      return skipped(`${lockfile} is committed, but its agreement with the manifests could not be checked: the registry index is unreachable (${summarizeCargoError(stderr)})`, details);
    }
    return failed(`cargo could not check ${lockfile} against the manifests: ${summarizeCargoError(stderr)}`, details);
  }
  return passed(`${lockfile} (${details.checked} packages) is committed, clean and agrees with the manifests`, details);
}

export const lockfileGate: GateDefinition = {
  ...gateSpec('lockfile'),
  async run(context) {
    const lockfile = context.crate.lockfile;
    if (!lockfile) return judgeLockfile({ lockfile: null, expected: joinRoot(context.crate.workspaceRoot, 'Cargo.lock') });
    // What the check covers: every package the lockfile pins.
    const lockPath = path.join(context.workspaceRoot, lockfile);
    const lockText = fs.existsSync(lockPath) ? fs.readFileSync(lockPath, 'utf8') : '';
    const lockedPackages = (lockText.match(/^\[\[package\]\]$/gm) ?? []).length;
    const repo = await findRepository(context);
    const git = typeof repo === 'string' ? { problem: repo } : await fileState(context, repo, lockPath);
    if (!('state' in git) || git.state !== 'clean') return judgeLockfile({ lockfile, lockedPackages, git, check: null });

    const args = ['update', '--workspace', '--locked'];
    const offline = await context.cargo([...args, '--offline'], { live: 'none' });
    let check: LockCheck = { offline: true, exitCode: offline.exitCode, stderr: offline.stderr };
    if (offline.exitCode !== 0 && needsOnlineCheck(offline.stderr)) {
      // The local index cache lacks an entry the resolution needs: ask the registry index (no crate is downloaded).
      const online = await context.cargo(args, { live: 'none' });
      check = { offline: false, exitCode: online.exitCode, stderr: online.stderr };
    }
    return judgeLockfile({ lockfile, lockedPackages, git, check });
  },
  keyFigure: (r) => {
    const changes = (r.details.wouldChange as string[] | undefined) ?? [];
    if (changes.length) return `${changes.length} change${changes.length === 1 ? '' : 's'} needed`;
    return typeof r.details.gitState === 'string' ? `git: ${r.details.gitState}` : '';
  },
};
