/**
 * Every question the plugin asks git, and the few changes release-rehearsal makes, as argument arrays through a
 * CommandRunner: a gate passes its own context (so each call is recorded in its result), an executor or a runtime
 * cache input passes a runner of ops/process.ts. A crate outside any git repository, or a machine without git, is
 * an answer (`GitProblem`, null), never an exception; only the release steps, which must succeed, throw `GitError`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CommandResult, CommandRunner } from './process';

/** What a git question needs: a way to run git, and the crate's folder for the message when there is no repository. */
type GitContext = CommandRunner & { crate: { root: string } };

export interface GitRepository {
  /** Absolute top-level folder of the working tree. */
  root: string;
}

/** One line for the gate's reason when git cannot answer. */
export type GitProblem = string;

const NOT_FOUND = 'git was not found on PATH; install git, then run again';

const firstLine = (text: string) => text.trim().split('\n')[0];
const lastLine = (text: string) => (text.trim().split('\n').pop() ?? '').trim();

/** `-C <root>` when the question is about a given repository, nothing when it is about the runner's folder. */
const inRepository = (root: string | undefined) => (root ? ['-C', root] : []);

function git(runner: CommandRunner, args: string[], probe = false): Promise<CommandResult> {
  return runner.run('git', args, { live: 'none', ...(probe ? { probe } : {}) });
}

export async function findRepository(context: GitContext): Promise<GitRepository | GitProblem> {
  const result = await git(context, ['rev-parse', '--show-toplevel']);
  if (result.notFound) return NOT_FOUND;
  if (result.exitCode !== 0) {
    return /not a git repository/i.test(result.stderr)
      ? `${context.crate.root === '.' ? 'the workspace' : context.crate.root} is not in a git repository; run \`git init\` and commit the crate, then run again`
      : `git rev-parse failed: ${firstLine(result.stderr)}`;
  }
  return { root: path.resolve(result.stdout.trim()) };
}

/** How git sees one file. */
export type FileState = 'clean' | 'modified' | 'staged' | 'untracked' | 'ignored' | 'deleted';

/**
 * `git status --porcelain --ignored` for one path: clean (tracked, committed, unchanged), staged (only in the
 * index), modified (uncommitted change), untracked, ignored or deleted.
 */
export function parseFileState(porcelain: string): FileState {
  const line = porcelain.split('\n').find((l) => l.length >= 2);
  if (!line) return 'clean';
  const [index, worktree] = [line[0], line[1]];
  if (line.startsWith('??')) return 'untracked';
  if (line.startsWith('!!')) return 'ignored';
  if (index === 'D' || worktree === 'D') return 'deleted';
  if (worktree !== ' ') return 'modified';
  return 'staged';
}

/** git's porcelain status of one path as it prints it, or why it could not say (no git, or its first line). */
export type PathStatus = { porcelain: string } | { notFound: true } | { failed: string };

/** `git status --porcelain=v1 --ignored` for one path, relative to `repoRoot` (or to the runner's folder). */
export async function pathStatus(runner: CommandRunner, relativePath: string, repoRoot?: string): Promise<PathStatus> {
  const result = await git(runner, [...inRepository(repoRoot), 'status', '--porcelain=v1', '--ignored', '--', relativePath]);
  if (result.notFound) return { notFound: true };
  return result.exitCode === 0 ? { porcelain: result.stdout } : { failed: firstLine(result.stderr) };
}

export async function fileState(context: CommandRunner, repo: GitRepository, absoluteFile: string): Promise<{ state: FileState } | { problem: GitProblem }> {
  // git answers with the real path; the workspace may have been reached through a symlink (macOS /tmp, say).
  const real = (p: string) => {
    try {
      return fs.realpathSync(p);
    } catch {
      return p;
    }
  };
  const file = path.join(real(path.dirname(absoluteFile)), path.basename(absoluteFile));
  const relative = path.relative(real(repo.root), file).split(path.sep).join('/');
  const status = await pathStatus(context, relative, repo.root);
  if ('porcelain' in status) return { state: parseFileState(status.porcelain) };
  return { problem: 'failed' in status ? `git status failed: ${status.failed}` : NOT_FOUND };
}

/** The commit a tag points at (annotated tags peeled), or null when the tag does not exist locally. */
export async function tagCommit(context: CommandRunner, repo: GitRepository, tag: string): Promise<string | null> {
  const result = await git(context, ['-C', repo.root, 'rev-parse', '-q', '--verify', `refs/tags/${tag}^{commit}`]);
  return result.exitCode === 0 ? result.stdout.trim() : null;
}

/** The commit checked out in `repo` (or in the runner's folder), or null: no git, no repository, no commit yet. */
export async function headCommit(context: CommandRunner, repo?: GitRepository): Promise<string | null> {
  const result = await git(context, [...inRepository(repo?.root), 'rev-parse', '-q', '--verify', 'HEAD^{commit}']);
  return result.exitCode === 0 ? result.stdout.trim() : null;
}

/** Whether `tag` points at the checked-out commit (annotated tags peeled); false when git cannot say. */
export async function tagIsHead(runner: CommandRunner, tag: string): Promise<boolean> {
  const [tagged, head] = await Promise.all([
    git(runner, ['rev-parse', '-q', '--verify', `refs/tags/${tag}^{commit}`]),
    git(runner, ['rev-parse', '-q', '--verify', 'HEAD^{commit}']),
  ]);
  return tagged.exitCode === 0 && head.exitCode === 0 && tagged.stdout.trim() === head.stdout.trim();
}

/** Whether the tracked files under `pathspec` (relative to the runner's folder) differ from `rev`'s; null when git cannot say. */
export async function changedSince(runner: CommandRunner, rev: string, pathspec: string): Promise<boolean | null> {
  const result = await git(runner, ['diff', '--quiet', rev, '--', pathspec]);
  return result.exitCode === 0 ? false : result.exitCode === 1 ? true : null;
}

/** Every local tag name, or null when git cannot list them (no git, no repository). */
export async function localTags(runner: CommandRunner): Promise<string[] | null> {
  const result = await git(runner, ['tag', '--list']);
  return result.exitCode === 0 ? result.stdout.split('\n').map((t) => t.trim()).filter(Boolean) : null;
}

/**
 * Every local tag with the object it names and, for an annotated tag, the commit it peels to (`<tag> <object>
 * [<commit>]`), or null when git cannot list them (no git, no repository).
 */
export async function tagTargets(runner: CommandRunner): Promise<Array<{ tag: string; target: string }> | null> {
  const result = await git(runner, ['for-each-ref', '--format=%(refname:strip=2) %(objectname) %(*objectname)', 'refs/tags']);
  if (result.exitCode !== 0) return null;
  return result.stdout
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [tag, ...objects] = line.split(' ');
      return { tag, target: objects.filter(Boolean).join(' ') };
    });
}

/**
 * The given paths (relative to `repoRoot`) that git's excludes outside the tree match: `.git/info/exclude` and the
 * global excludes file, tracked files too (`--no-index`: Nx's file walker skips them either way). A match in a
 * .gitignore file is left to cache-key/nx-ignored.ts, which reads .gitignore with .ignore and .nxignore as Nx's
 * walker does (a `!` line in .ignore re-includes what .gitignore excludes), and a negated match excludes nothing.
 */
export async function ignoredPaths(runner: CommandRunner, repoRoot: string, paths: readonly string[]): Promise<Set<string>> {
  const ignored = new Set<string>();
  if (paths.length === 0) return ignored;
  // Asked as a probe (the plugin's own question, not a command of the gate). `-v -z` prints source, line, pattern
  // and path, NUL-separated, for each path a pattern matches (exit 1: none); empty when git cannot say.
  const result = await git(runner, ['-C', repoRoot, 'check-ignore', '--no-index', '-v', '-z', '--', ...paths], true);
  if (result.exitCode !== 0) return ignored;
  const fields = result.stdout.split('\0');
  for (let i = 0; i + 3 < fields.length; i += 4) {
    const [source, , pattern, file] = fields.slice(i, i + 4);
    if (pattern.startsWith('!') || source.split('/').pop() === '.gitignore') continue;
    ignored.add(file);
  }
  return ignored;
}

/** A git step of a release command that did not succeed: one line, what failed and git's own last word. */
export class GitError extends Error {}

async function ask(runner: CommandRunner, args: string[]): Promise<CommandResult> {
  const result = await git(runner, args);
  if (result.notFound) throw new GitError(NOT_FOUND);
  return result;
}

async function must(runner: CommandRunner, args: string[], what: string): Promise<string> {
  const result = await ask(runner, args);
  if (result.exitCode !== 0) throw new GitError(`${what} failed (git ${args.join(' ')}): ${lastLine(result.stderr || result.stdout)}`);
  return result.stdout.trim();
}

/**
 * The paths `git status --porcelain` lists as changed in the runner's folder: tracked files only, or untracked ones
 * too (`normal`). Throws GitError when git cannot say.
 */
export async function changedPaths(runner: CommandRunner, untracked: 'no' | 'normal'): Promise<string[]> {
  const args = ['status', '--porcelain', `--untracked-files=${untracked}`];
  const result = await ask(runner, args);
  if (result.exitCode !== 0) throw new GitError(`reading the working tree failed (git ${args.join(' ')}): ${lastLine(result.stderr || result.stdout)}`);
  // Each line is `XY path`: the two status letters (either may be a space) and one space.
  return result.stdout.split('\n').filter((line) => line.length > 3).map((line) => line.slice(3));
}

/**
 * The commit checked out and whether the tracked files are unchanged, as a release report records them: both null
 * without a commit, `clean` null when git cannot say. The two questions go to git side by side.
 */
export async function treeState(runner: CommandRunner): Promise<{ commit: string | null; clean: boolean | null }> {
  const [commit, changed] = await Promise.all([headCommit(runner), changedPaths(runner, 'no').catch(() => null)]);
  if (!commit) return { commit: null, clean: null };
  return { commit, clean: changed ? changed.length === 0 : null };
}

export async function insideWorkTree(runner: CommandRunner): Promise<boolean> {
  return (await ask(runner, ['rev-parse', '--is-inside-work-tree'])).exitCode === 0;
}

/** The URL of `remote`, or null when there is no such remote. */
export async function remoteUrl(runner: CommandRunner, remote: string): Promise<string | null> {
  const result = await ask(runner, ['remote', 'get-url', remote]);
  return result.exitCode === 0 ? result.stdout.trim() : null;
}

export async function remoteNames(runner: CommandRunner): Promise<string[]> {
  return (await ask(runner, ['remote'])).stdout.split('\n').map((r) => r.trim()).filter(Boolean);
}

export async function localBranchExists(runner: CommandRunner, branch: string): Promise<boolean> {
  return (await ask(runner, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`])).exitCode === 0;
}

export async function remoteBranchExists(runner: CommandRunner, remote: string, branch: string): Promise<boolean> {
  return (await must(runner, ['ls-remote', '--heads', remote, `refs/heads/${branch}`], `reading ${remote}`)) !== '';
}

/** The branch checked out, or '' when HEAD is detached. */
export async function currentBranch(runner: CommandRunner): Promise<string> {
  return (await ask(runner, ['symbolic-ref', '--quiet', '--short', 'HEAD'])).stdout.trim();
}

export async function createBranch(runner: CommandRunner, branch: string, commit: string): Promise<void> {
  await must(runner, ['branch', branch, commit], `creating ${branch}`);
}

export async function deleteLocalBranch(runner: CommandRunner, branch: string): Promise<void> {
  await must(runner, ['branch', '-D', branch], `deleting local branch ${branch}`);
}

export async function pushBranch(runner: CommandRunner, remote: string, branch: string): Promise<void> {
  const result = await ask(runner, ['push', remote, `refs/heads/${branch}:refs/heads/${branch}`]);
  if (result.exitCode !== 0) throw new GitError(`pushing ${branch} to ${remote} failed: ${lastLine(result.stderr)}`);
}

export async function deleteRemoteBranch(runner: CommandRunner, remote: string, branch: string): Promise<void> {
  await must(runner, ['push', remote, '--delete', branch], `deleting ${branch} on ${remote}`);
}

/** The files git tracks or would track (untracked, not ignored) matching `pathspecs`, `/`-separated, relative to `cwd`. */
export async function listedFiles(runner: CommandRunner, pathspecs: readonly string[]): Promise<string[] | null> {
  const result = await git(runner, ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', ...pathspecs]);
  return result.exitCode === 0 ? [...new Set(result.stdout.split('\0').filter(Boolean))] : null;
}
