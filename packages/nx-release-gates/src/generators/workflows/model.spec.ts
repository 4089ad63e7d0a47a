import type { GateSpec } from '../../model/catalog';
import { SetupStep, workflowModel } from './model';
import type { NormalizedWorkflowsOptions } from './options';

const crate = (name: string, cargoWorkspaceRoot: string, binaries: string[] = [name], publish = true) => ({
  name,
  root: cargoWorkspaceRoot === '.' ? name : `${cargoWorkspaceRoot}/${name}`,
  cargoWorkspaceRoot,
  binaries,
  publish,
  hasLibrary: binaries.length === 0,
  localDependencies: [],
});

const options = (change: Partial<NormalizedWorkflowsOptions> = {}): NormalizedWorkflowsOptions => ({
  crates: [crate('tool', '.'), crate('core', 'libs', [])],
  mainBranch: 'main',
  nodeVersion: '22',
  packageManager: 'npm',
  rustToolchain: '1.88.0',
  rustToolchainSource: 'rust-toolchain.toml',
  runsOn: ['ubuntu-latest'],
  gpuRunsOn: null,
  nxCache: false,
  ciTargets: ['gate-build'],
  skipFormat: true,
  cargoCache: true,
  targets: [{ target: 'x86_64-unknown-linux-gnu', runsOn: ['ubuntu-latest'], test: true }],
  environment: 'release',
  trustedPublishing: false,
  provenance: true,
  pinActions: {},
  timeoutMinutes: 60,
  remoteCache: 'none',
  ...change,
});

const gates: GateSpec[] = [
  { name: 'build', description: 'Builds.', cacheable: true },
  { name: 'doc', description: 'Docs | links.', cacheable: true },
];
const kinds = (steps: SetupStep[]) => steps.map((s) => s.kind);

describe('workflowModel', () => {
  it('lists the gates it is given, as targets with their descriptions', () => {
    expect(workflowModel(options(), gates).gates).toEqual([
      { target: 'gate-build', description: 'Builds.' },
      { target: 'gate-doc', description: 'Docs | links.' },
    ]);
  });

  it('works out the crates, docs folders and commands from the options', () => {
    const model = workflowModel(options({ packageManager: 'pnpm' }), gates);
    expect(model).toMatchObject({ projects: ['tool', 'core'], projectList: 'tool,core', multiCrate: true, nx: 'pnpm exec nx', dryRunWorkflow: 'release-dry-run.yml' });
    expect(model.withBinaries.map((c) => c.name)).toEqual(['tool']);
    // What release.yml and the dry run both pack: the crates with binaries, each with cargo's list.
    expect(workflowModel(options({ crates: [crate('x-find', '.', ['x']), crate('core', 'libs', [])] }), gates).releaseJobs.pack).toEqual([{ crate: 'x-find', binaries: ['x'] }]);
    expect(model.docsFolders).toEqual(['target/doc/', 'libs/target/doc/']);
  });

  it('resolves each action to its pin when pinActions names one', () => {
    const sha = 'a'.repeat(40);
    const { uses } = workflowModel(options({ pinActions: { 'actions/checkout@v4': sha } }), gates);
    expect(uses.checkout).toBe(`actions/checkout@${sha} # v4`);
    expect(uses.upload).toBe('actions/upload-artifact@v4');
  });

  it('gives a host job and a matrix job their own setup steps', () => {
    const { setup } = workflowModel(options({ nxCache: true }), gates);
    expect(kinds(setup.host)).toEqual(['checkout', 'node', 'install', 'rust', 'cargo-cache', 'nx-cache']);
    // A matrix job adds its target to the toolchain, keys the cargo cache by it, and keeps no Nx cache.
    expect(kinds(setup.matrix)).toEqual(['checkout', 'node', 'install', 'rust', 'cargo-cache']);
    expect(kinds(setup.publish)).toEqual(['checkout', 'node', 'install', 'rust']);
    expect(setup.matrix).toContainEqual(expect.objectContaining({ kind: 'rust', matrixTarget: true }));
    expect(setup.matrix).toContainEqual({ kind: 'cargo-cache', sharedKey: 'release-gates-${{ matrix.target }}', workspaces: ['.', 'libs'] });
    expect(setup.host).toContainEqual({ kind: 'cargo-cache', sharedKey: 'release-gates-host', workspaces: ['.', 'libs'] });
  });

  it('installs cargo-semver-checks in the jobs that run gate-semver of a library crate, pinned', () => {
    const { setup } = workflowModel(options({ nxCache: true }), gates);
    expect(kinds(setup.gates)).toEqual(['checkout', 'node', 'install', 'rust', 'cargo-cache', 'semver-checks', 'nx-cache']);
    expect(setup.gates).toContainEqual({ kind: 'semver-checks', version: '0.51.0', crates: ['core'] });
    // CI runs gate-build only here; with gate-semver (or the whole dry run) it installs the tool too.
    expect(setup.ci).toEqual(setup.host);
    expect(workflowModel(options({ ciTargets: ['gate-semver'] }), gates).setup.ci).toContainEqual(expect.objectContaining({ kind: 'semver-checks' }));
    // Binaries only: nothing to compare, nothing to install.
    expect(kinds(workflowModel(options({ crates: [crate('tool', '.')] }), gates).setup.gates)).not.toContain('semver-checks');
  });

  it.each([
    ['pnpm', ['checkout', 'pnpm', 'node', 'install', 'rust']],
    ['bun', ['checkout', 'bun', 'node', 'install', 'rust']],
    ['yarn', ['checkout', 'node', 'corepack', 'install', 'rust']],
  ] as const)('sets up %s before installing the packages', (packageManager, expected) => {
    expect(kinds(workflowModel(options({ packageManager, cargoCache: false }), gates).setup.host)).toEqual(expected);
  });

  it('probes a self-hosted remote cache last, and gives the remote cache variables only with a remote cache', () => {
    const selfHosted = workflowModel(options({ remoteCache: 'self-hosted', packageManager: 'yarn' }), gates);
    expect(selfHosted.setup.host.at(-1)).toEqual({ kind: 'probe', command: 'yarn nx-release-gates-remote-cache-probe' });
    expect(selfHosted.setup.matrix.at(-1)?.kind).toBe('probe');
    expect(selfHosted.cacheVariables?.server).toBe('NX_SELF_HOSTED_REMOTE_CACHE_SERVER');
    const cloud = workflowModel(options({ remoteCache: 'nx-cloud' }), gates);
    expect(kinds(cloud.setup.host)).not.toContain('probe');
    expect(cloud.cacheVariables).toMatchObject({ server: null, readOnlySecret: 'NX_CLOUD_READ_ONLY_ACCESS_TOKEN' });
    expect(workflowModel(options(), gates).cacheVariables).toBeNull();
  });
});
