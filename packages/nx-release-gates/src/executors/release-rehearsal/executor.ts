/**
 * release-rehearsal: step 2 of the release process as one command. `nx run my-crate:release-rehearsal
 * --releaseVersion=1.7.2` creates the branch test-release-v1.7.2 at HEAD (without switching to it), pushes it, and
 * prints where the "Release dry run" workflow runs; `--cleanup` deletes the branch locally and on the remote.
 * Refused, before anything changes: a dirty working tree (the push would not be what you have), a branch that
 * already exists (locally or on the remote), and a version that is not the crate's.
 *
 * Nx 23 keeps `--version` for itself (`nx run x:y --version=1.7.2` prints Nx's version or drops the value), so the
 * command line gives the version as `--releaseVersion=1.7.2` or after `--` (`-- --version=1.7.2`); `version` in
 * project.json works too. Every git call goes through runCommand with an argument array.
 */
import type { ExecutorContext } from '@nx/devkit';
import { readCrateAt } from '../../ops/read-crates';
import { runCommand } from '../../ops/process';

export interface ReleaseRehearsalOptions {
  version?: string;
  releaseVersion?: string;
  remote?: string;
  cleanup?: boolean;
  crateTag?: boolean;
}

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

export function rehearsalBranch(crate: string, version: string, crateTag: boolean): string {
  return `test-release-${crateTag ? `${crate}-` : ''}v${version}`;
}

/** `https://github.com/owner/repo` for a GitHub remote URL (https, ssh or scp-like form), else null. */
export function githubRepositoryUrl(remoteUrl: string): string | null {
  const match = /^(?:https?:\/\/(?:[^@/]+@)?|ssh:\/\/git@|git@)github\.com[:/]([^/]+)\/([^/]+?)(?:\.git)?\/?$/.exec(remoteUrl.trim());
  return match ? `https://github.com/${match[1]}/${match[2]}` : null;
}

class Refusal extends Error {}

export default async function releaseRehearsal(options: ReleaseRehearsalOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  const project = context.projectName!;
  const say = (line: string) => console.log(`${project}:release-rehearsal: ${line}`);
  try {
    const root = context.projectsConfigurations?.projects[project]?.root ?? '.';
    const crate = await readCrateAt(root, context.root);
    if (!crate || crate.error) throw new Refusal(crate?.error ?? `no cargo package at ${root}/Cargo.toml`);
    const remote = options.remote ?? 'origin';
    const git = async (args: string[]) => {
      const result = await runCommand('git', args, { cwd: context.root, live: 'none' });
      if (result.notFound) throw new Refusal('git was not found on PATH');
      return result;
    };
    const must = async (args: string[], what: string) => {
      const result = await git(args);
      if (result.exitCode !== 0) throw new Refusal(`${what} failed (git ${args.join(' ')}): ${(result.stderr || result.stdout).trim().split('\n').pop()}`);
      return result.stdout.trim();
    };

    const inside = await git(['rev-parse', '--is-inside-work-tree']);
    if (inside.exitCode !== 0) throw new Refusal(`${context.root} is not a git repository`);
    const remoteUrl = await git(['remote', 'get-url', remote]);
    if (remoteUrl.exitCode !== 0) throw new Refusal(`git has no remote named ${remote}; pass --remote=<name> (remotes: ${(await git(['remote'])).stdout.trim().split('\n').join(', ') || 'none'})`);

    const given = options.releaseVersion ?? options.version;
    if (!given && !options.cleanup) {
      throw new Refusal(
        `no version given; pass --releaseVersion=${crate.version} (Nx reads --version itself: use --releaseVersion, or \`-- --version=${crate.version}\`)`,
      );
    }
    const version = String(given ?? crate.version).replace(/^v(?=\d)/, '');
    if (!SEMVER.test(version)) throw new Refusal(`version "${version}" is not semver (MAJOR.MINOR.PATCH)`);
    const branch = rehearsalBranch(crate.name, version, options.crateTag === true);

    const local = (await git(['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`])).exitCode === 0;
    const remoteHas = (await must(['ls-remote', '--heads', remote, `refs/heads/${branch}`], `reading ${remote}`)) !== '';

    if (options.cleanup) {
      if (!local && !remoteHas) {
        say(`nothing to clean up: no branch ${branch} here or on ${remote}`);
        return { success: true };
      }
      if (remoteHas) {
        await must(['push', remote, '--delete', branch], `deleting ${branch} on ${remote}`);
        say(`deleted ${branch} on ${remote}`);
      }
      if (local) {
        const current = (await git(['symbolic-ref', '--quiet', '--short', 'HEAD'])).stdout.trim();
        if (current === branch) throw new Refusal(`${branch} is checked out; switch to another branch, then run --cleanup again`);
        await must(['branch', '-D', branch], `deleting local branch ${branch}`);
        say(`deleted local branch ${branch}`);
      }
      return { success: true };
    }

    if (version !== crate.version) {
      throw new Refusal(`version ${version} is not the crate's: ${crate.manifestPath} has ${crate.version}; bump the crate first, or rehearse ${crate.version}`);
    }
    const status = await must(['status', '--porcelain', '--untracked-files=normal'], 'reading the working tree');
    if (status) {
      const files = status.split('\n').slice(0, 10).map((l) => l.slice(3)).join(', ');
      throw new Refusal(`the working tree has uncommitted changes (${files}); commit or stash them: the rehearsal pushes HEAD, not your working tree`);
    }
    if (local || remoteHas) {
      throw new Refusal(`branch ${branch} already exists${local ? ' locally' : ''}${local && remoteHas ? ' and' : ''}${remoteHas ? ` on ${remote}` : ''}; run with --cleanup first to rehearse again`);
    }

    const head = await must(['rev-parse', 'HEAD'], 'reading HEAD');
    await must(['branch', branch, head], `creating ${branch}`);
    const pushed = await git(['push', remote, `refs/heads/${branch}:refs/heads/${branch}`]);
    if (pushed.exitCode !== 0) {
      await git(['branch', '-D', branch]);
      throw new Refusal(`pushing ${branch} to ${remote} failed: ${pushed.stderr.trim().split('\n').pop()}; the local branch was removed again`);
    }
    say(`pushed ${branch} (${head.slice(0, 12)}) to ${remote}`);
    const github = githubRepositoryUrl(remoteUrl.stdout);
    const workflow = '.github/workflows/release-dry-run.yml';
    if (github) {
      say(`the "Release dry run" workflow runs at ${github}/actions/workflows/release-dry-run.yml?query=branch%3A${encodeURIComponent(branch)}`);
    } else {
      say(`${remote} (${remoteUrl.stdout.trim()}) is not on GitHub: ${workflow} runs on pushes of test-release-* branches wherever this repository's GitHub Actions run`);
    }
    say(`when it passes, tag the release; then clean up with: nx run ${project}:release-rehearsal --releaseVersion=${version} --cleanup`);
    return { success: true };
  } catch (error) {
    if (error instanceof Refusal) {
      console.error(`${project}:release-rehearsal: ${error.message}`);
      return { success: false };
    }
    throw error;
  }
}
