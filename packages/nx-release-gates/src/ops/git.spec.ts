import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  changedPaths,
  currentBranch,
  fileState,
  findRepository,
  GitError,
  headCommit,
  ignoredPaths,
  insideWorkTree,
  localTags,
  parseFileState,
  pathStatus,
  pushBranch,
  remoteBranchExists,
  remoteNames,
  remoteUrl,
  tagCommit,
} from './git';
import type { CommandResult, CommandRunner, RunCommandOptions } from './process';
import { lockChanges } from '../gates/lockfile/lockfile';

describe('parseFileState', () => {
  it.each([
    ['', 'clean'],
    ['?? Cargo.lock\n', 'untracked'],
    ['!! Cargo.lock\n', 'ignored'],
    [' M Cargo.lock\n', 'modified'],
    ['MM Cargo.lock\n', 'modified'],
    ['M  Cargo.lock\n', 'staged'],
    ['A  Cargo.lock\n', 'staged'],
    [' D Cargo.lock\n', 'deleted'],
  ])('%j -> %s', (porcelain, state) => {
    expect(parseFileState(porcelain)).toBe(state);
  });
});

describe('lockChanges', () => {
  it('keeps the lines where cargo says what it would change', () => {
    const stderr = `     Locking 1 package to latest Rust 1.95.0 compatible version
    Updating lk2 v0.1.0 (/tmp/lk2) -> v0.2.0
      Adding ryu v1.0.23
error: cannot update the lock file /tmp/lk2/Cargo.lock because --locked was passed to prevent this`;
    expect(lockChanges(stderr)).toEqual(['Updating lk2 v0.1.0 (/tmp/lk2) -> v0.2.0', 'Adding ryu v1.0.23']);
  });
});

/** A runner that answers git from a table (`args joined by spaces` -> result) and records what was asked. */
function fakeGit(answers: Record<string, Partial<CommandResult>>) {
  const asked: { args: string[]; options?: RunCommandOptions }[] = [];
  const runner: CommandRunner = {
    run: async (file, args, options) => {
      expect(file).toBe('git');
      asked.push({ args, options });
      const answer = answers[args.join(' ')] ?? { exitCode: 1, stderr: `fatal: unexpected ${args.join(' ')}` };
      return { commandLine: `git ${args.join(' ')}`, exitCode: 0, stdout: '', stderr: '', durationMs: 0, notFound: false, timedOut: false, ...answer };
    },
  };
  return { runner, asked };
}

const MISSING: Partial<CommandResult> = { exitCode: 127, notFound: true };

describe('git questions', () => {
  it('findRepository: the top-level folder, or one line for no repository and no git', async () => {
    const crate = { root: 'crates/app' };
    expect(await findRepository({ ...fakeGit({ 'rev-parse --show-toplevel': { stdout: '/work/repo\n' } }).runner, crate })).toEqual({ root: path.resolve('/work/repo') });
    const outside = fakeGit({ 'rev-parse --show-toplevel': { exitCode: 128, stderr: 'fatal: not a git repository (or any of the parent directories): .git\n' } }).runner;
    expect(await findRepository({ ...outside, crate })).toBe('crates/app is not in a git repository; run `git init` and commit the crate, then run again');
    expect(await findRepository({ ...outside, crate: { root: '.' } })).toMatch(/^the workspace is not in a git repository/);
    expect(await findRepository({ ...fakeGit({ 'rev-parse --show-toplevel': { exitCode: 128, stderr: 'fatal: detected dubious ownership\nmore\n' } }).runner, crate })).toBe(
      'git rev-parse failed: fatal: detected dubious ownership',
    );
    expect(await findRepository({ ...fakeGit({ 'rev-parse --show-toplevel': MISSING }).runner, crate })).toBe('git was not found on PATH; install git, then run again');
  });

  it('pathStatus and fileState: asked in the repository for the path relative to it', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'git-spec-'));
    try {
      const args = ['-C', root, 'status', '--porcelain=v1', '--ignored', '--', 'sub/Cargo.lock'];
      const { runner, asked } = fakeGit({ [args.join(' ')]: { stdout: 'M  sub/Cargo.lock\n' } });
      expect(await fileState(runner, { root }, path.join(root, 'sub', 'Cargo.lock'))).toEqual({ state: 'staged' });
      expect(asked[0]).toEqual({ args, options: { live: 'none' } });
      expect(await pathStatus(fakeGit({ 'status --porcelain=v1 --ignored -- Cargo.lock': { stdout: '' } }).runner, 'Cargo.lock')).toEqual({ porcelain: '' });
      expect(await pathStatus(fakeGit({ 'status --porcelain=v1 --ignored -- Cargo.lock': { exitCode: 128, stderr: 'fatal: no\nx' } }).runner, 'Cargo.lock')).toEqual({ failed: 'fatal: no' });
      expect(await pathStatus(fakeGit({ 'status --porcelain=v1 --ignored -- Cargo.lock': MISSING }).runner, 'Cargo.lock')).toEqual({ notFound: true });
      expect(await fileState(fakeGit({}).runner, { root }, path.join(root, 'Cargo.lock'))).toEqual({ problem: 'git status failed: fatal: unexpected ' + ['-C', root, 'status', '--porcelain=v1', '--ignored', '--', 'Cargo.lock'].join(' ') });
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('headCommit and tagCommit: the commit, or null', async () => {
    const sha = 'a'.repeat(40);
    expect(await headCommit(fakeGit({ 'rev-parse -q --verify HEAD^{commit}': { stdout: `${sha}\n` } }).runner)).toBe(sha);
    expect(await headCommit(fakeGit({ '-C /r rev-parse -q --verify HEAD^{commit}': { stdout: `${sha}\n` } }).runner, { root: '/r' })).toBe(sha);
    expect(await headCommit(fakeGit({ 'rev-parse -q --verify HEAD^{commit}': MISSING }).runner)).toBeNull();
    expect(await tagCommit(fakeGit({ '-C /r rev-parse -q --verify refs/tags/v1.0.0^{commit}': { stdout: `${sha}\n` } }).runner, { root: '/r' }, 'v1.0.0')).toBe(sha);
    expect(await tagCommit(fakeGit({}).runner, { root: '/r' }, 'v1.0.0')).toBeNull();
  });

  it('localTags: the names, or null when git cannot list them', async () => {
    expect(await localTags(fakeGit({ 'tag --list': { stdout: 'v1.0.0\n  v1.1.0 \n\n' } }).runner)).toEqual(['v1.0.0', 'v1.1.0']);
    expect(await localTags(fakeGit({ 'tag --list': MISSING }).runner)).toBeNull();
  });

  it('ignoredPaths: what the excludes outside the tree match, asked as a probe; a .gitignore match or a negation is not theirs; none without asking', async () => {
    const out = ['.git/info/exclude', '3', 'b/', 'b/c.rs', '.gitignore', '1', '*.log', 'x.log', '/home/me/.config/git/ignore', '2', '!keep.txt', 'keep.txt', ''].join('\0');
    const { runner, asked } = fakeGit({ '-C /ws check-ignore --no-index -v -z -- a.txt b/c.rs x.log keep.txt': { stdout: out } });
    expect([...(await ignoredPaths(runner, '/ws', ['a.txt', 'b/c.rs', 'x.log', 'keep.txt']))]).toEqual(['b/c.rs']);
    expect(asked[0].options).toEqual({ live: 'none', probe: true });
    expect([...(await ignoredPaths(fakeGit({ '-C /ws check-ignore --no-index -v -z -- a.txt': { exitCode: 1 } }).runner, '/ws', ['a.txt']))]).toEqual([]);
    const none = fakeGit({});
    expect((await ignoredPaths(none.runner, '/ws', [])).size).toBe(0);
    expect(none.asked).toEqual([]);
  });

  it('changedPaths: every path, the first one too (its status may start with a space)', async () => {
    const { runner } = fakeGit({ 'status --porcelain --untracked-files=normal': { stdout: ' M src/main.rs\n?? notes.txt\nR  a.rs -> b.rs\n' } });
    expect(await changedPaths(runner, 'normal')).toEqual(['src/main.rs', 'notes.txt', 'a.rs -> b.rs']);
    expect(await changedPaths(fakeGit({ 'status --porcelain --untracked-files=no': { stdout: '' } }).runner, 'no')).toEqual([]);
    await expect(changedPaths(fakeGit({ 'status --porcelain --untracked-files=no': { exitCode: 128, stderr: 'fatal: x\nfatal: last' } }).runner, 'no')).rejects.toThrow(
      new GitError('reading the working tree failed (git status --porcelain --untracked-files=no): fatal: last'),
    );
  });

  it('release steps: a step that must succeed throws one GitError line; no git is said as such', async () => {
    await expect(remoteBranchExists(fakeGit({ 'ls-remote --heads origin refs/heads/b': { stdout: 'abc\trefs/heads/b\n' } }).runner, 'origin', 'b')).resolves.toBe(true);
    await expect(remoteBranchExists(fakeGit({ 'ls-remote --heads origin refs/heads/b': { stdout: '' } }).runner, 'origin', 'b')).resolves.toBe(false);
    await expect(remoteBranchExists(fakeGit({ 'ls-remote --heads origin refs/heads/b': { exitCode: 128, stderr: 'fatal: could not read from remote\n' } }).runner, 'origin', 'b')).rejects.toThrow(
      'reading origin failed (git ls-remote --heads origin refs/heads/b): fatal: could not read from remote',
    );
    await expect(pushBranch(fakeGit({ 'push origin refs/heads/b:refs/heads/b': { exitCode: 1, stderr: 'To x\n ! [rejected] b\n' } }).runner, 'origin', 'b')).rejects.toThrow(
      'pushing b to origin failed: ! [rejected] b',
    );
    await expect(insideWorkTree(fakeGit({ 'rev-parse --is-inside-work-tree': MISSING }).runner)).rejects.toThrow('git was not found on PATH; install git, then run again');
    expect(await remoteUrl(fakeGit({ 'remote get-url origin': { stdout: 'git@github.com:o/r.git\n' } }).runner, 'origin')).toBe('git@github.com:o/r.git');
    expect(await remoteUrl(fakeGit({}).runner, 'origin')).toBeNull();
    expect(await remoteNames(fakeGit({ remote: { stdout: 'origin\nupstream\n' } }).runner)).toEqual(['origin', 'upstream']);
    expect(await currentBranch(fakeGit({ 'symbolic-ref --quiet --short HEAD': { exitCode: 1 } }).runner)).toBe('');
  });
});
