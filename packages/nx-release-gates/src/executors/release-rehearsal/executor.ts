/**
 * release-rehearsal: step 2 of the release process as one command. `nx run my-crate:release-rehearsal
 * --releaseVersion=1.7.2` creates the branch test-release-v1.7.2 at HEAD (without switching to it), pushes it, and
 * prints where the "Release dry run" workflow runs; `--cleanup` deletes the branch locally and on the remote.
 * Refused, before anything changes: a dirty working tree (the push would not be what you have), a branch that
 * already exists (locally or on the remote), and a version that is not the crate's.
 *
 * Nx 23 keeps `--version` for itself (`nx run x:y --version=1.7.2` prints Nx's version or drops the value), so the
 * command line gives the version as `--releaseVersion=1.7.2` or after `--` (`-- --version=1.7.2`); `version` in
 * project.json works too. Every git call is one of ops/git.ts, with an argument array.
 */
import type { ExecutorContext } from '@nx/devkit';
import { readCrateAt } from '../../ops/read-crates';
import type { CommandRunner } from '../../ops/process';
import { runnerIn } from '../../ops/process';
import {
  changedPaths,
  createBranch,
  currentBranch,
  deleteLocalBranch,
  deleteRemoteBranch,
  GitError,
  headCommit,
  insideWorkTree,
  localBranchExists,
  pushBranch,
  remoteBranchExists,
  remoteNames,
  remoteUrl,
} from '../../ops/git';
import type { CrateModel } from '../../model/crate-model';

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

/** What a rehearsal (or its cleanup) works on, read and checked before anything changes. */
interface Rehearsal {
  project: string;
  crate: CrateModel;
  git: CommandRunner;
  remote: string;
  remoteUrl: string;
  version: string;
  branch: string;
  /** Where the branch exists already. */
  local: boolean;
  remoteHas: boolean;
  say: (line: string) => void;
}

/** The version asked for, without a leading `v`; refused when missing (unless cleaning up) or not semver. */
function requestedVersion(options: ReleaseRehearsalOptions, crate: CrateModel): string {
  const given = options.releaseVersion ?? options.version;
  if (!given && !options.cleanup) {
    throw new Refusal(`no version given; pass --releaseVersion=${crate.version} (Nx reads --version itself: use --releaseVersion, or \`-- --version=${crate.version}\`)`);
  }
  const version = String(given ?? crate.version).replace(/^v(?=\d)/, '');
  if (!SEMVER.test(version)) throw new Refusal(`version "${version}" is not semver (MAJOR.MINOR.PATCH)`);
  return version;
}

async function readRehearsal(options: ReleaseRehearsalOptions, context: ExecutorContext, say: (line: string) => void): Promise<Rehearsal> {
  const project = context.projectName!;
  const root = context.projectsConfigurations?.projects[project]?.root ?? '.';
  const crate = await readCrateAt(root, context.root);
  if (!crate || crate.error) throw new Refusal(crate?.error ?? `no cargo package at ${root}/Cargo.toml`);
  const git = runnerIn(context.root);
  const remote = options.remote ?? 'origin';
  if (!(await insideWorkTree(git))) throw new Refusal(`${context.root} is not a git repository`);
  const url = await remoteUrl(git, remote);
  if (url === null) throw new Refusal(`git has no remote named ${remote}; pass --remote=<name> (remotes: ${(await remoteNames(git)).join(', ') || 'none'})`);
  const version = requestedVersion(options, crate);
  const branch = rehearsalBranch(crate.name, version, options.crateTag === true);
  const local = await localBranchExists(git, branch);
  const remoteHas = await remoteBranchExists(git, remote, branch);
  return { project, crate, git, remote, remoteUrl: url, version, branch, local, remoteHas, say };
}

/** `--cleanup`: deletes the branch on the remote and here; nothing to do is not a failure. */
async function cleanUp({ git, remote, branch, local, remoteHas, say }: Rehearsal): Promise<void> {
  if (!local && !remoteHas) {
    say(`nothing to clean up: no branch ${branch} here or on ${remote}`);
    return;
  }
  if (remoteHas) {
    await deleteRemoteBranch(git, remote, branch);
    say(`deleted ${branch} on ${remote}`);
  }
  if (local) {
    if ((await currentBranch(git)) === branch) throw new Refusal(`${branch} is checked out; switch to another branch, then run --cleanup again`);
    await deleteLocalBranch(git, branch);
    say(`deleted local branch ${branch}`);
  }
}

/** Refuses a version that is not the crate's, a dirty working tree and a branch that exists already. */
async function checkCanRehearse({ crate, git, remote, version, branch, local, remoteHas }: Rehearsal): Promise<void> {
  if (version !== crate.version) {
    throw new Refusal(`version ${version} is not the crate's: ${crate.manifestPath} has ${crate.version}; bump the crate first, or rehearse ${crate.version}`);
  }
  const changed = await changedPaths(git, 'normal');
  if (changed.length) {
    throw new Refusal(`the working tree has uncommitted changes (${changed.slice(0, 10).join(', ')}); commit or stash them: the rehearsal pushes HEAD, not your working tree`);
  }
  if (local || remoteHas) {
    throw new Refusal(`branch ${branch} already exists${local ? ' locally' : ''}${local && remoteHas ? ' and' : ''}${remoteHas ? ` on ${remote}` : ''}; run with --cleanup first to rehearse again`);
  }
}

/** Creates the branch at HEAD and pushes it; a failed push removes the local branch again. */
async function pushRehearsal(rehearsal: Rehearsal): Promise<void> {
  const { git, remote, branch, say } = rehearsal;
  await checkCanRehearse(rehearsal);
  const head = await headCommit(git);
  if (!head) throw new Refusal('HEAD names no commit yet; commit the crate, then run again');
  await createBranch(git, branch, head);
  try {
    await pushBranch(git, remote, branch);
  } catch (error) {
    await deleteLocalBranch(git, branch).catch(() => undefined);
    throw error instanceof GitError ? new Refusal(`${error.message}; the local branch was removed again`) : error;
  }
  say(`pushed ${branch} (${head.slice(0, 12)}) to ${remote}`);
  sayWhereItRuns(rehearsal);
}

function sayWhereItRuns({ project, remote, remoteUrl: url, version, branch, say }: Rehearsal): void {
  const github = githubRepositoryUrl(url);
  const workflow = '.github/workflows/release-dry-run.yml';
  if (github) {
    say(`the "Release dry run" workflow runs at ${github}/actions/workflows/release-dry-run.yml?query=branch%3A${encodeURIComponent(branch)}`);
  } else {
    say(`${remote} (${url}) is not on GitHub: ${workflow} runs on pushes of test-release-* branches wherever this repository's GitHub Actions run`);
  }
  say(`when it passes, tag the release; then clean up with: nx run ${project}:release-rehearsal --releaseVersion=${version} --cleanup`);
}

export default async function releaseRehearsal(options: ReleaseRehearsalOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  const project = context.projectName!;
  const say = (line: string) => console.log(`${project}:release-rehearsal: ${line}`);
  try {
    const rehearsal = await readRehearsal(options, context, say);
    await (options.cleanup ? cleanUp(rehearsal) : pushRehearsal(rehearsal));
    return { success: true };
  } catch (error) {
    if (error instanceof Refusal || error instanceof GitError) {
      console.error(`${project}:release-rehearsal: ${error.message}`);
      return { success: false };
    }
    throw error;
  }
}
