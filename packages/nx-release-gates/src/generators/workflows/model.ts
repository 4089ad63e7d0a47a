/**
 * The workflows generator's data model: what the templates (files/ and partials/) need, worked out once from the
 * normalized options and the gate list the caller passes in. It holds values only (names, commands, lists, flags);
 * every line of YAML, shell and Markdown is in a template, so the file's text has one place to read and change.
 */
import * as path from 'node:path';
import { GateSpec, gateTarget, RELEASE_DRY_RUN } from '../../model/catalog';
import { SEMVER_CHECKS_VERSION } from '../../model/toolchain';
import { ACTIONS, ActionName, usesValue } from './actions';
import { NormalizedWorkflowsOptions } from './options';
import { DRY_RUN_REPORT_FOLDER, DRY_RUN_REPORTS_ARTIFACT, NOT_FROM_FORK, PROBE_BIN, REMOTE_CACHE_VARIABLES, REPLAY_SIGNING, REVIEWED_CODE } from './remote-cache';
import { OPTIONS_RECORD, OWNED_MARKER, WORKFLOW_FILES } from './workflow-files';

/** The gate targets each platform job runs: build and size everywhere, tests where the runner runs the binaries. */
export const PLATFORM_GATES = ['gate-build', 'gate-size'];
export const PLATFORM_TEST_GATE = 'gate-test';

/** The gate option that selects the Rust target (`cargo build --target <triple>`); see the gates' schema. */
export const TARGET_TRIPLE_OPTION = 'targetTriple';

export interface PackageManagerCommands {
  /** How a workflow runs the workspace's own nx. */
  nx: string;
  /** How a workflow runs another command of the installed packages (the remote cache probe). */
  exec: string;
  install: string;
  /** actions/setup-node `cache` value, or null when setup-node cannot cache it. */
  nodeCache: string | null;
}

export function packageManagerCommands(name: NormalizedWorkflowsOptions['packageManager']): PackageManagerCommands {
  switch (name) {
    case 'pnpm':
      return { nx: 'pnpm exec nx', exec: 'pnpm exec', install: 'pnpm install --frozen-lockfile', nodeCache: 'pnpm' };
    case 'yarn':
      return { nx: 'yarn nx', exec: 'yarn', install: 'yarn install --frozen-lockfile', nodeCache: 'yarn' };
    case 'bun':
      return { nx: 'bunx nx', exec: 'bunx', install: 'bun install --frozen-lockfile', nodeCache: null };
    default:
      return { nx: 'npx nx', exec: 'npx', install: 'npm ci', nodeCache: 'npm' };
  }
}

/**
 * One setup step of a job; partials/steps/<kind>.ejs writes it. The steps every job that runs Nx starts with:
 * checkout, Node and packages, Rust, the cargo cache, optionally Nx's cache, and with a self-hosted remote cache the
 * probe that keeps a failing server from failing the job.
 */
export type SetupStep =
  | { kind: 'checkout' }
  | { kind: 'pnpm' }
  | { kind: 'bun' }
  | { kind: 'node'; version: string; cache: string | null }
  | { kind: 'corepack' }
  | { kind: 'install'; command: string }
  | { kind: 'rust'; toolchain: string; source: string; matrixTarget: boolean }
  | { kind: 'cargo-cache'; sharedKey: string; workspaces: string[] }
  | { kind: 'semver-checks'; version: string; crates: string[] }
  | { kind: 'nx-cache' }
  | { kind: 'probe'; command: string };

/** The secrets and variables that give a job's Nx the remote cache. */
export interface CacheVariables {
  /** The server URL's variable, or null where the client knows its server (Nx Cloud). */
  server: string | null;
  token: string;
  writeSecret: string;
  readOnlySecret: string;
}

export interface WorkflowModel {
  o: NormalizedWorkflowsOptions;
  /** Each action's `uses:` value, pinned to a commit SHA where pinActions says so. */
  uses: Record<ActionName, string>;
  pm: PackageManagerCommands;
  nx: string;
  projects: string[];
  projectList: string;
  multiCrate: boolean;
  publishable: NormalizedWorkflowsOptions['crates'];
  withBinaries: NormalizedWorkflowsOptions['crates'];
  gates: { target: string; description: string }[];
  releaseDryRun: string;
  /** Where `cargo doc` leaves each Cargo workspace's docs. */
  docsFolders: string[];
  ownedMarker: string;
  /** Where the generator's options are recorded (workflow-files.ts). */
  optionsRecord: string;
  platformGates: string;
  platformTestGate: string;
  targetTripleOption: string;
  timeout: number;
  /** A same-repository guard: a fork's pull request never runs on a self-hosted runner. */
  notFromFork: string;
  /** True for runs of reviewed code, the only ones given the remote cache's read-write token. */
  reviewedCode: string;
  remoteCache: NormalizedWorkflowsOptions['remoteCache'];
  /** Null without a remote cache. */
  cacheVariables: CacheVariables | null;
  /** The replay signing key's secret and the release's verify key (used with a remote cache only). */
  signing: typeof REPLAY_SIGNING;
  dryRunReportsArtifact: string;
  dryRunReportFolder: string;
  /** The dry-run workflow's file name, as GitHub's API names it. */
  dryRunWorkflow: string;
  /**
   * The setup steps of a job on the host target, and of a platform matrix job (`${{ matrix.target }}`); `gates`: a
   * host job that runs gate-semver (the release's gates job), `ci`: the CI job (gates' steps when ciTargets run
   * gate-semver, else host's); `publish`: the publish job (the plugin's publish command and cargo; no caches: it
   * builds nothing).
   */
  setup: { host: SetupStep[]; matrix: SetupStep[]; gates: SetupStep[]; ci: SetupStep[]; publish: SetupStep[] };
  releaseJobs: ReleaseJobsModel;
}

/** The jobs release.yml has and the dry run does not: the publish itself and the GitHub release itself. */
export const RELEASE_ONLY_JOBS = ['publish', 'github-release'] as const;

/**
 * What release.yml and the private dry run build and pack, as one part both render (partials/jobs/): the dry run
 * runs every job of the release but RELEASE_ONLY_JOBS with the same commands, so a tag release cannot fail on a step
 * the dry run never ran.
 */
export interface ReleaseJobsModel {
  /** One archive per crate (with binaries) and target, holding the binaries cargo metadata lists for the crate. */
  pack: { crate: string; binaries: string[] }[];
  /** Where the archives and SHA256SUMS are made (and the attestation's subject). */
  assetsFolder: string;
  /** Each target's archives: `<assetsArtifact>-<target>`. */
  assetsArtifact: string;
  /** Every archive with SHA256SUMS: what the GitHub release publishes and the dry run keeps. */
  archivesArtifact: string;
}

export function workflowModel(o: NormalizedWorkflowsOptions, gateSpecs: readonly GateSpec[]): WorkflowModel {
  const projects = o.crates.map((c) => c.name);
  const pm = packageManagerCommands(o.packageManager);
  const uses = Object.fromEntries(Object.entries(ACTIONS).map(([name, action]) => [name, usesValue(action, o.pinActions)])) as Record<ActionName, string>;
  return {
    o,
    uses,
    pm,
    nx: pm.nx,
    projects,
    projectList: projects.join(','),
    multiCrate: projects.length > 1,
    publishable: o.crates.filter((c) => c.publish),
    withBinaries: o.crates.filter((c) => c.binaries.length > 0),
    gates: gateSpecs.map((g) => ({ target: gateTarget(g), description: g.description })),
    releaseDryRun: RELEASE_DRY_RUN,
    docsFolders: [...new Set(o.crates.map((c) => (c.cargoWorkspaceRoot === '.' ? 'target/doc/' : `${c.cargoWorkspaceRoot}/target/doc/`)))],
    ownedMarker: OWNED_MARKER,
    optionsRecord: OPTIONS_RECORD,
    platformGates: PLATFORM_GATES.join(','),
    platformTestGate: PLATFORM_TEST_GATE,
    targetTripleOption: TARGET_TRIPLE_OPTION,
    timeout: o.timeoutMinutes,
    notFromFork: NOT_FROM_FORK,
    reviewedCode: REVIEWED_CODE,
    remoteCache: o.remoteCache,
    cacheVariables: o.remoteCache === 'none' ? null : { ...REMOTE_CACHE_VARIABLES[o.remoteCache] },
    signing: REPLAY_SIGNING,
    dryRunReportsArtifact: DRY_RUN_REPORTS_ARTIFACT,
    dryRunReportFolder: DRY_RUN_REPORT_FOLDER,
    dryRunWorkflow: path.posix.basename(WORKFLOW_FILES.dryRun),
    setup: setupModel(o, pm),
    releaseJobs: {
      pack: o.crates.filter((c) => c.binaries.length > 0).map((c) => ({ crate: c.name, binaries: c.binaries })),
      assetsFolder: 'release/assets',
      assetsArtifact: 'release-assets',
      archivesArtifact: 'release-archives',
    },
  };
}

/** The setup steps that only save a job time: the publish job leaves them out (and a remote cache's probe with them). */
const CACHE_STEPS: readonly SetupStep['kind'][] = ['cargo-cache', 'nx-cache', 'probe'];

/**
 * gate-semver of a library crate needs cargo-semver-checks (it fails with the install command without it): the jobs
 * that run it install the pinned version. A tree of binaries only never pays for the install.
 */
function setupModel(o: NormalizedWorkflowsOptions, pm: PackageManagerCommands): WorkflowModel['setup'] {
  const libraries = o.crates.filter((c) => c.hasLibrary).map((c) => c.name);
  const host = setupSteps(o, pm, false);
  const semver: SetupStep | null = libraries.length ? { kind: 'semver-checks', version: SEMVER_CHECKS_VERSION, crates: libraries } : null;
  // After the cargo cache, which may restore the installed tool, and before Nx runs.
  const at = host.findIndex((s) => s.kind === 'nx-cache' || s.kind === 'probe');
  const gates = semver ? [...host.slice(0, at < 0 ? host.length : at), semver, ...(at < 0 ? [] : host.slice(at))] : host;
  const ciRunsSemver = o.ciTargets.includes(gateTarget('semver')) || o.ciTargets.includes(RELEASE_DRY_RUN);
  const publish = host.filter((s) => !CACHE_STEPS.includes(s.kind));
  return { host, matrix: setupSteps(o, pm, true), gates, ci: ciRunsSemver ? gates : host, publish };
}

/**
 * Which setup steps a job gets. A matrix job builds `${{ matrix.target }}`: it adds that target to the toolchain,
 * keys the cargo cache by it, and leaves Nx's cache out. The probe comes last, after the packages are installed and
 * before the job's first Nx call.
 */
function setupSteps(o: NormalizedWorkflowsOptions, pm: PackageManagerCommands, matrixTarget: boolean): SetupStep[] {
  const steps: SetupStep[] = [{ kind: 'checkout' }];
  if (o.packageManager === 'pnpm') steps.push({ kind: 'pnpm' });
  if (o.packageManager === 'bun') steps.push({ kind: 'bun' });
  steps.push({ kind: 'node', version: o.nodeVersion, cache: pm.nodeCache });
  if (o.packageManager === 'yarn') steps.push({ kind: 'corepack' });
  steps.push({ kind: 'install', command: pm.install }, { kind: 'rust', toolchain: o.rustToolchain, source: o.rustToolchainSource, matrixTarget });
  if (o.cargoCache) {
    const workspaces = [...new Set(o.crates.map((c) => c.cargoWorkspaceRoot))].sort();
    steps.push({ kind: 'cargo-cache', sharedKey: matrixTarget ? 'release-gates-${{ matrix.target }}' : 'release-gates-host', workspaces });
  }
  if (o.nxCache && !matrixTarget) steps.push({ kind: 'nx-cache' });
  if (o.remoteCache === 'self-hosted') steps.push({ kind: 'probe', command: `${pm.exec} ${PROBE_BIN}` });
  return steps;
}
