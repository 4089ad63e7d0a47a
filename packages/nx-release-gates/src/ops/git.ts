/**
 * The few git questions gate-lockfile and gate-version ask, through the gate's `run` (so every call is recorded).
 * A crate outside any git repository, or a machine without git, is an answer (`GitProblem`), never an exception.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CommandRunner } from './process';

/** What a git question needs: a way to run git, and the crate's folder for the message when there is no repository. */
type GitContext = CommandRunner & { crate: { root: string } };

export interface GitRepository {
  /** Absolute top-level folder of the working tree. */
  root: string;
}

/** One line for the gate's reason when git cannot answer. */
export type GitProblem = string;

export async function findRepository(context: GitContext): Promise<GitRepository | GitProblem> {
  const result = await context.run('git', ['rev-parse', '--show-toplevel'], { live: 'none' });
  if (result.notFound) return 'git was not found on PATH; install git, then run again';
  if (result.exitCode !== 0) {
    return /not a git repository/i.test(result.stderr)
      ? `${context.crate.root === '.' ? 'the workspace' : context.crate.root} is not in a git repository; run \`git init\` and commit the crate, then run again`
      : `git rev-parse failed: ${result.stderr.trim().split('\n')[0]}`;
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
  const result = await context.run('git', ['-C', repo.root, 'status', '--porcelain=v1', '--ignored', '--', relative], { live: 'none' });
  if (result.exitCode !== 0) return { problem: `git status failed: ${result.stderr.trim().split('\n')[0]}` };
  return { state: parseFileState(result.stdout) };
}

/** The commit a tag points at (annotated tags peeled), or null when the tag does not exist locally. */
export async function tagCommit(context: CommandRunner, repo: GitRepository, tag: string): Promise<string | null> {
  const result = await context.run('git', ['-C', repo.root, 'rev-parse', '-q', '--verify', `refs/tags/${tag}^{commit}`], { live: 'none' });
  return result.exitCode === 0 ? result.stdout.trim() : null;
}

export async function headCommit(context: CommandRunner, repo: GitRepository): Promise<string | null> {
  const result = await context.run('git', ['-C', repo.root, 'rev-parse', '-q', '--verify', 'HEAD^{commit}'], { live: 'none' });
  return result.exitCode === 0 ? result.stdout.trim() : null;
}
