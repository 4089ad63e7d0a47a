/**
 * Writes the workflow files into a Tree from the EJS templates under files/. The generator calls this on Nx's tree;
 * gate-workflows calls it on an in-memory overlay of the workspace and compares the result with the committed
 * files, so both produce byte-identical output from the same options.
 *
 * A file whose content carries the ownership marker (a line `# nx-release-gates: owned-by-hand`, or
 * `<!-- nx-release-gates: owned-by-hand -->` in Markdown) is the user's: it is never overwritten, and
 * gate-workflows reports it as owned instead of comparing it.
 */
import { formatFiles, generateFiles, Tree } from '@nx/devkit';
import * as path from 'node:path';
import { GATE_SPECS, gateTarget, RELEASE_DRY_RUN } from '../../model/catalog';
import { ACTIONS, ActionName, usesValue } from './actions';
import { NormalizedWorkflowsOptions, normalizeOptions } from './options';
import type { PlatformTarget } from './platform-targets';
import { CacheAccess, DRY_RUN_REPORTS_ARTIFACT, NOT_FROM_FORK, probeStepLines, releaseGatesPermissions, releaseParityStepLines, remoteCacheEnv } from './remote-cache';
import type { WorkflowsGeneratorSchema } from './schema';

export const WORKFLOW_FILES = {
  dryRun: '.github/workflows/release-dry-run.yml',
  release: '.github/workflows/release.yml',
  ci: '.github/workflows/ci.yml',
  script: 'scripts/dry-run-release.sh',
  process: 'RELEASE_PROCESS.md',
} as const;

export const GENERATED_FILES: readonly string[] = Object.values(WORKFLOW_FILES);

export const OWNED_MARKER = 'nx-release-gates: owned-by-hand';
const OWNED_LINE = /^[ \t]*(?:#|<!--)[ \t]*nx-release-gates:[ \t]*owned-by-hand\b/m;

export function isOwnedByHand(content: string | null): boolean {
  return content !== null && OWNED_LINE.test(content);
}

export interface RenderResult {
  options: NormalizedWorkflowsOptions;
  /** Every file the generator manages. */
  files: string[];
  /** Files left alone because they carry the ownership marker. */
  owned: string[];
}

export async function renderWorkflows(tree: Tree, schema: WorkflowsGeneratorSchema): Promise<RenderResult> {
  const options = normalizeOptions(tree, schema);
  const owned = GENERATED_FILES.filter((file) => isOwnedByHand(tree.read(file, 'utf-8')));
  const keep = new Map(owned.map((file) => [file, tree.read(file)!]));

  generateFiles(tree, path.join(__dirname, 'files'), '.', templateVariables(options));
  // Owned files get their own content back (a tree records no change for a file restored to what it was).
  for (const [file, content] of keep) tree.write(file, content);

  if (!owned.includes(WORKFLOW_FILES.script) && tree.listChanges().some((c) => c.path === WORKFLOW_FILES.script && c.type !== 'DELETE')) {
    tree.changePermissions(WORKFLOW_FILES.script, '755');
  }
  if (!options.skipFormat) await formatFiles(tree);
  return { options, files: [...GENERATED_FILES], owned };
}

/** A YAML double-quoted scalar (JSON strings are valid YAML). */
const q = (value: string) => JSON.stringify(value);

/** `runs-on:` value: one label as a scalar, several as a flow sequence. */
const runsOn = (labels: string[]) => (labels.length === 1 ? q(labels[0]) : `[${labels.map(q).join(', ')}]`);

/** The gate targets each platform job runs: build and size everywhere, tests where the runner runs the binaries. */
export const PLATFORM_GATES = ['gate-build', 'gate-size'];
export const PLATFORM_TEST_GATE = 'gate-test';

/** The gate option that selects the Rust target (`cargo build --target <triple>`); see the gates' schema. */
export const TARGET_TRIPLE_OPTION = 'targetTriple';

export function templateVariables(o: NormalizedWorkflowsOptions) {
  const projects = o.crates.map((c) => c.name);
  const pm = packageManagerCommands(o.packageManager);
  const docsFolders = [...new Set(o.crates.map((c) => (c.cargoWorkspaceRoot === '.' ? 'target/doc/' : `${c.cargoWorkspaceRoot}/target/doc/`)))];
  const uses = (name: ActionName) => usesValue(ACTIONS[name], o.pinActions);
  return {
    // File name substitutions: __dot__github -> .github, *.template -> *.
    dot: '.',
    tmpl: '',
    o,
    q,
    uses,
    runsOn: runsOn(o.runsOn),
    gpuRunsOn: o.gpuRunsOn ? runsOn(o.gpuRunsOn) : null,
    crates: o.crates,
    projects,
    projectList: projects.join(','),
    multiCrate: projects.length > 1,
    publishable: o.crates.filter((c) => c.publish),
    withBinaries: o.crates.filter((c) => c.binaries.length > 0),
    gates: GATE_SPECS.map((g) => ({ target: gateTarget(g), description: g.description })),
    releaseDryRun: RELEASE_DRY_RUN,
    nx: pm.nx,
    pm,
    docsFolders,
    ownedMarker: OWNED_MARKER,
    platformGates: PLATFORM_GATES.join(','),
    platformTestGate: PLATFORM_TEST_GATE,
    targetTripleOption: TARGET_TRIPLE_OPTION,
    header: (comment: string) => header(comment),
    setup: (indent: number, job: SetupJob = {}) => setupSteps(o, pm, uses, indent, job),
    matrix: (indent: number) => matrixLines(o.targets, indent),
    timeout: o.timeoutMinutes,
    nxCacheEnv: nxCacheEnv(o),
    // A same-repository guard: a fork's pull request never runs on a self-hosted runner.
    notFromFork: NOT_FROM_FORK,
    remoteCache: o.remoteCache,
    dryRunReportsArtifact: DRY_RUN_REPORTS_ARTIFACT,
    /** A job's `env:` for Nx's remote cache ('' without one); templates put it right after timeout-minutes. */
    cacheEnv: (access: CacheAccess) => remoteCacheEnv(o, 4, access),
    releaseGatesPermissions: releaseGatesPermissions(o, 4),
    releaseParitySteps: (indent: number) => indentLines(releaseParityStepLines(o, pm.nx, uses, path.posix.basename(WORKFLOW_FILES.dryRun)), indent),
  };
}

/** What a job's setup needs beyond the common steps. */
export interface SetupJob {
  /** git ref to check out (default: the event's). */
  ref?: string;
  /** The job builds `${{ matrix.target }}`: add that target to the toolchain and key the cargo cache by it. */
  matrixTarget?: boolean;
}

/** The `strategy.matrix.include` lines of the platform jobs. */
function matrixLines(targets: PlatformTarget[], indent: number): string {
  const pad = ' '.repeat(indent);
  const lines = ['include:'];
  for (const t of targets) lines.push(`  - target: ${t.target}`, `    runs-on: ${runsOn(t.runsOn)}`, `    test: ${t.test}`);
  return lines.map((l) => `${pad}${l}`).join('\n');
}

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

const HEADER = [
  'Generated by nx-release-gates: `nx g nx-release-gates:workflows` writes this file from the options recorded in',
  'nx.json ("generators" > "nx-release-gates:workflows"). Change those options and run the generator again rather',
  'than editing here: gate-workflows (part of every release-dry-run) fails when this file differs from what the',
  `generator writes. To maintain this file by hand instead, add the line "# ${OWNED_MARKER}" (in Markdown,`,
  `"<!-- ${OWNED_MARKER} -->") at its top; the generator then leaves it alone and gate-workflows says so.`,
];

function header(comment: string): string {
  if (comment === '<!--') return ['<!--', ...HEADER.map((l) => `  ${l}`), '-->'].join('\n');
  return HEADER.map((l) => `${comment} ${l}`).join('\n');
}

/**
 * The steps every job that runs Nx starts with: checkout (credentials not kept: the job runs build scripts and
 * tests), Node and packages, Rust, the cargo cache, optionally Nx's cache, and with a self-hosted remote cache the
 * probe that keeps a failing server from failing the job.
 */
function setupSteps(
  o: NormalizedWorkflowsOptions,
  pm: PackageManagerCommands,
  uses: (name: ActionName) => string,
  indent: number,
  job: SetupJob,
): string {
  const pad = ' '.repeat(indent);
  const lines: string[] = [
    '# Full history: gate-lockfile and gate-version read git (tracked files, existing tags). No credentials are kept',
    "# in .git/config: build scripts and tests run in this job, and they need no token.",
    `- uses: ${uses('checkout')}`,
    '  with:',
    '    fetch-depth: 0',
    '    persist-credentials: false',
    ...(job.ref ? [`    ref: ${job.ref}`] : []),
  ];
  if (o.packageManager === 'pnpm') {
    lines.push('# pnpm itself, at the version of package.json "packageManager".', `- uses: ${uses('pnpm')}`);
  }
  if (o.packageManager === 'bun') {
    lines.push(`- uses: ${uses('bun')}`);
  }
  lines.push(
    '# Node runs Nx and this plugin; both come from the lockfile, so CI runs the versions you run locally.',
    `- uses: ${uses('setupNode')}`,
    '  with:',
    `    node-version: ${q(o.nodeVersion)}`,
  );
  if (pm.nodeCache) lines.push(`    cache: ${pm.nodeCache}`);
  if (o.packageManager === 'yarn') lines.push('- name: Enable corepack (Yarn at the version package.json names)', '  run: corepack enable');
  lines.push(
    '- name: Install packages',
    `  run: ${pm.install}`,
    `# Rust ${o.rustToolchain}, from ${o.rustToolchainSource}; rustfmt for gate-fmt.`,
    `- name: Install Rust ${o.rustToolchain}`,
    '  run: |',
    `    rustup toolchain install ${o.rustToolchain} --profile minimal --component rustfmt`,
    `    rustup default ${o.rustToolchain}`,
  );
  if (job.matrixTarget) lines.push('    rustup target add "${{ matrix.target }}"');
  if (o.cargoCache) {
    const workspaces = [...new Set(o.crates.map((c) => c.cargoWorkspaceRoot))].sort().map((root) => `${root} -> target`);
    lines.push(
      "# ~/.cargo and the target directories. One key per target triple, the same in the dry run, the release and CI",
      '# (rust-cache adds the toolchain and the Cargo.lock hashes), so each compiles only what changed since the last run.',
      `- uses: ${uses('rustCache')}`,
      '  with:',
      `    shared-key: ${job.matrixTarget ? 'release-gates-${{ matrix.target }}' : 'release-gates-host'}`,
      '    workspaces: |',
      ...workspaces.map((w) => `      ${w}`),
    );
  }
  if (o.nxCache && !job.matrixTarget) {
    lines.push(
      "# Nx's local cache between runs: a gate whose inputs (sources, Cargo.lock, toolchain, options) did not change",
      '# replays its result and files instead of running again. NX_CACHE_DIRECTORY and NX_WORKSPACE_DATA_DIRECTORY',
      '# (set for the whole workflow) keep both in the checkout, where this step finds them.',
      `- uses: ${uses('cache')}`,
      '  with:',
      '    path: |',
      '      .nx/cache',
      '      .nx/workspace-data/*.db',
      '    key: nx-${{ runner.os }}-${{ runner.arch }}-${{ github.sha }}',
      '    restore-keys: |',
      '      nx-${{ runner.os }}-${{ runner.arch }}-',
      "# Nx finds a cached result only through its index database, named after the machine id; a new runner has a new",
      "# one, so the restored index gets this runner's name.",
      "- name: Give Nx's restored cache index this runner's name",
      "  if: runner.os == 'Linux'",
      '  run: |',
      '    shopt -s nullglob',
      '    id="$(cat /var/lib/dbus/machine-id 2>/dev/null || cat /etc/machine-id)"',
      '    for db in .nx/workspace-data/*-v[0-9]*.db; do',
      '      name="$id-${db##*-}"',
      '      if [[ "$db" != ".nx/workspace-data/$name" ]]; then mv -f "$db" ".nx/workspace-data/$name"; fi',
      '    done',
    );
  }
  // Last, so it runs after the packages are installed and before this job's first Nx call.
  lines.push(...probeStepLines(o, pm.exec));
  return lines.map((l) => `${pad}${l}`).join('\n');
}

function indentLines(lines: string[], indent: number): string {
  return lines.map((l) => `${' '.repeat(indent)}${l}`).join('\n');
}

/** Workflow-level `env:` lines: where Nx keeps its cache, when the workflows cache it. */
export function nxCacheEnv(o: NormalizedWorkflowsOptions): string {
  if (!o.nxCache) return '';
  return ['env:', '  # Nx 23 keeps its cache under ~/.nx/<workspace id>/ by default; in the checkout, actions/cache can keep it.', '  NX_CACHE_DIRECTORY: .nx/cache', '  NX_WORKSPACE_DATA_DIRECTORY: .nx/workspace-data', ''].join('\n');
}
