import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import releaseRehearsal, { githubRepositoryUrl, rehearsalBranch } from './executor';

describe('rehearsalBranch and githubRepositoryUrl', () => {
  it('name the branch and the GitHub page', () => {
    expect(rehearsalBranch('tool', '1.7.2', false)).toBe('test-release-v1.7.2');
    expect(rehearsalBranch('tool', '1.7.2', true)).toBe('test-release-tool-v1.7.2');
    expect(githubRepositoryUrl('git@github.com:owner/repo.git\n')).toBe('https://github.com/owner/repo');
    expect(githubRepositoryUrl('/tmp/remote.git')).toBeNull();
  });
});

describe('release-rehearsal (real git, a local bare remote, real cargo metadata)', () => {
  let base: string;
  let root: string;
  let remote: string;
  let lines: string[];
  const git = (args: string[], cwd = root) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd, encoding: 'utf8', stdio: 'pipe' });
  const context = () =>
    ({ root, projectName: 'tool', cwd: root, isVerbose: false, projectsConfigurations: { version: 2, projects: { tool: { root: 'tool' } } } }) as unknown as ExecutorContext;
  const rehearse = (options: Record<string, unknown>) => releaseRehearsal(options, context());
  const remoteHeads = () => git(['--git-dir', remote, 'for-each-ref', '--format=%(refname)', 'refs/heads/'], base);
  const localHas = (branch: string) => git(['branch', '--list', branch]).trim() !== '';

  beforeAll(() => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'rehearsal-'));
    root = path.join(base, 'ws');
    remote = path.join(base, 'remote.git');
    fs.mkdirSync(path.join(root, 'tool', 'src'), { recursive: true });
    fs.writeFileSync(path.join(root, 'tool', 'Cargo.toml'), '[package]\nname = "tool"\nversion = "0.3.1"\nedition = "2021"\n');
    fs.writeFileSync(path.join(root, 'tool', 'src', 'main.rs'), 'fn main() {}\n');
    fs.writeFileSync(path.join(root, '.gitignore'), '.nx\ntarget\n');
    git(['init', '-q', '-b', 'main']);
    git(['add', '-A']);
    git(['commit', '-q', '-m', 'initial']);
    git(['init', '-q', '--bare', remote], base);
    git(['remote', 'add', 'origin', remote]);
  });
  afterAll(() => fs.rmSync(base, { recursive: true, force: true }));
  beforeEach(() => {
    lines = [];
    jest.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
    jest.spyOn(console, 'error').mockImplementation((line: string) => void lines.push(`error: ${line}`));
  });
  afterEach(() => jest.restoreAllMocks());

  it('refuses, before anything changes: no version, another version, a dirty tree (naming every file), an unknown remote', async () => {
    expect(await rehearse({})).toEqual({ success: false });
    expect(lines).toEqual([expect.stringMatching(/^error: tool:release-rehearsal: no version given; pass --releaseVersion=0\.3\.1 /)]);
    expect(await rehearse({ releaseVersion: '0.4.0' })).toEqual({ success: false });
    expect(lines[1]).toMatch(/version 0\.4\.0 is not the crate's: .*has 0\.3\.1/);
    fs.appendFileSync(path.join(root, 'tool', 'src', 'main.rs'), '// uncommitted\n');
    fs.writeFileSync(path.join(root, 'notes.txt'), 'x\n');
    expect(await rehearse({ releaseVersion: '0.3.1' })).toEqual({ success: false });
    expect(lines[2]).toContain('the working tree has uncommitted changes (tool/src/main.rs, notes.txt)');
    git(['checkout', '--', 'tool/src/main.rs']);
    fs.rmSync(path.join(root, 'notes.txt'));
    expect(await rehearse({ releaseVersion: '0.3.1', remote: 'nowhere' })).toEqual({ success: false });
    expect(lines[3]).toBe('error: tool:release-rehearsal: git has no remote named nowhere; pass --remote=<name> (remotes: origin)');
    expect(remoteHeads()).toBe('');
    expect(localHas('test-release-v0.3.1')).toBe(false);
  });

  it('pushes the branch at HEAD without switching, refuses it twice, and cleans up here and on the remote', async () => {
    expect(await rehearse({ releaseVersion: 'v0.3.1' })).toEqual({ success: true });
    expect(remoteHeads()).toContain('refs/heads/test-release-v0.3.1');
    expect(git(['rev-parse', 'test-release-v0.3.1'])).toBe(git(['rev-parse', 'HEAD']));
    expect(git(['symbolic-ref', '--short', 'HEAD']).trim()).toBe('main');
    expect(lines[0]).toMatch(/^tool:release-rehearsal: pushed test-release-v0\.3\.1 \([0-9a-f]{12}\) to origin$/);
    expect(lines[1]).toContain('is not on GitHub');
    expect(lines[2]).toBe('tool:release-rehearsal: when it passes, tag the release; then clean up with: nx run tool:release-rehearsal --releaseVersion=0.3.1 --cleanup');

    expect(await rehearse({ releaseVersion: '0.3.1' })).toEqual({ success: false });
    expect(lines[3]).toBe('error: tool:release-rehearsal: branch test-release-v0.3.1 already exists locally and on origin; run with --cleanup first to rehearse again');

    expect(await rehearse({ cleanup: true })).toEqual({ success: true });
    expect(lines.slice(4)).toEqual(['tool:release-rehearsal: deleted test-release-v0.3.1 on origin', 'tool:release-rehearsal: deleted local branch test-release-v0.3.1']);
    expect(remoteHeads()).toBe('');
    expect(localHas('test-release-v0.3.1')).toBe(false);
    expect(await rehearse({ cleanup: true })).toEqual({ success: true });
    expect(lines[6]).toBe('tool:release-rehearsal: nothing to clean up: no branch test-release-v0.3.1 here or on origin');
  });

  it('removes the local branch again when the push fails', async () => {
    fs.writeFileSync(path.join(remote, 'hooks', 'pre-receive'), '#!/bin/sh\necho refused by hook >&2\nexit 1\n', { mode: 0o755 });
    try {
      expect(await rehearse({ releaseVersion: '0.3.1' })).toEqual({ success: false });
      expect(lines[0]).toMatch(/^error: tool:release-rehearsal: pushing test-release-v0\.3\.1 to origin failed: .*; the local branch was removed again$/);
      expect(localHas('test-release-v0.3.1')).toBe(false);
    } finally {
      fs.rmSync(path.join(remote, 'hooks', 'pre-receive'));
    }
  });
});
