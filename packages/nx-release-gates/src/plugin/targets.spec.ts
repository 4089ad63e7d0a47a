import type { CrateModel } from '../model/crate-model';
import { crateModel } from '../testing/crate-model';
import { GATE_SPECS as GATES, gateTarget, RELEASE_DRY_RUN } from '../model/catalog';
import { DRY_RUN_GATES } from '../cache-key/dry-run-key';
import { EMERGENCY_ENV_INPUTS, fingerprintInput, GATE_ENV } from '../cache-key/inputs';
import { fingerprintVariableArgs } from '../cache-key/fingerprint-env';
import { parseFingerprintArgs } from '../cache-key/fingerprint';
import { TARGET_GROUP, crateProject, defaultDryRunGates, gatesWithDependencies } from './targets';
import { stateInputsOf } from '../cache-key/inputs';
import { stateProbesOf } from '../cache-key/state-hasher';
import { executorManifest } from './manifest';
import { hostTriple } from '../model/env-families';

const STATEFUL = ['gate-lockfile', 'gate-workflows'];
const WORKSPACE_ROOT = '/ws';

function crate(overrides: Partial<CrateModel> = {}): CrateModel {
  return crateModel({
    name: 'llm-cli',
    version: '0.4.2',
    root: 'crates/llm-cli',
    binaries: ['llm'],
    hasLibrary: true,
    features: { default: [], llama: [], 'llama-cuda': ['llama'] },
    pathDependencies: [{ name: 'llm-core', root: 'crates/llm-core', kind: 'normal' }],
    registryDependencies: ['serde'],
    externalDependencies: ['cargo:serde@1.0.200', 'cargo:itoa@1.0.11'],
    releaseGatesMetadata: { package: { 'max-binary-size': '15MB' }, workspace: { runner: 'nextest' } },
    ...overrides,
  });
}

const GATE_TARGETS = GATES.map((g) => gateTarget(g));
type Input = string | Record<string, unknown>;

describe('crateProject', () => {
  const project = crateProject(crate(), { missingDocs: 'deny', targetPrefix: 'ignored' }, WORKSPACE_ROOT);
  const targets = project.targets!;

  it('names the project after the crate and types it by its binaries', () => {
    expect(project.name).toBe('llm-cli');
    expect(project.projectType).toBe('application');
    expect(crateProject(crate({ binaries: [] }), {}, WORKSPACE_ROOT).projectType).toBe('library');
    expect(project.tags).toEqual(expect.arrayContaining(['rust', 'cargo']));
  });

  it('has a target for every gate plus release-dry-run, each run by this plugin’s executor of the same name', () => {
    expect(GATE_TARGETS).toEqual(expect.arrayContaining(['gate-build', 'gate-cuda', 'gate-package', 'gate-size', 'gate-test', 'gate-doc']));
    for (const target of [...GATE_TARGETS, RELEASE_DRY_RUN]) {
      expect(targets[target]).toBeDefined();
      expect(targets[target].executor).toBe(`nx-release-gates:${target}`);
    }
    expect(targets[RELEASE_DRY_RUN].options).toEqual({ gates: GATE_TARGETS });
  });

  it('caches the gates (except those whose answer no Nx input sees) and release-dry-run, keyed by its gates', () => {
    for (const gate of ['build', 'cuda', 'package', 'size', 'test', 'doc']) expect(targets[`gate-${gate}`].cache).toBe(true);
    for (const gate of GATES) expect(targets[gateTarget(gate)].cache).toBe(gate.cacheable);
    expect(targets[RELEASE_DRY_RUN].cache).toBe(true);
    expect(targets[RELEASE_DRY_RUN].metadata?.[DRY_RUN_GATES]).toEqual(GATE_TARGETS);
  });

  it('gives release-dry-run its report and every output of its gates, so a whole replay restores the same files', () => {
    const outputs = targets[RELEASE_DRY_RUN].outputs!;
    expect(outputs).toContain('{workspaceRoot}/dist/release-gates/{projectName}/release-dry-run.json');
    for (const target of GATE_TARGETS) for (const output of targets[target].outputs!.filter((o) => !o.includes('{options.'))) expect(outputs).toContain(output);
    // An output under an option the gate leaves unset is dropped, as Nx drops it for the gate.
    expect(outputs.filter((o) => o.includes('{options.'))).toEqual([]);
  });

  it('names only the chosen gates (and what they depend on) when nx.json targetDefaults choose them; a gate\'s own targetTriple is written in', () => {
    const gates = defaultDryRunGates({ targetDefaults: { [RELEASE_DRY_RUN]: { options: { gates: ['gate-size'] } } } });
    expect(gates).toEqual(['gate-size']);
    expect(defaultDryRunGates({ targetDefaults: { [RELEASE_DRY_RUN]: { options: { gates: ['gate-nope'] } } } })).toEqual(GATE_TARGETS);
    expect(defaultDryRunGates({ targetDefaults: { 'nx-release-gates:release-dry-run': { options: { gates: ['gate-fmt'] } } } })).toEqual(['gate-fmt']);
    const chosen = crateProject(crate(), { targetTriple: 'aarch64-unknown-linux-gnu' }, WORKSPACE_ROOT, gates).targets!;
    const outputs = chosen[RELEASE_DRY_RUN].outputs!;
    expect(chosen[RELEASE_DRY_RUN].metadata?.[DRY_RUN_GATES]).toEqual(['gate-size']);
    expect(gatesWithDependencies(chosen, ['gate-size'])).toEqual(['gate-size', 'gate-build']);
    expect(outputs).toContain('{workspaceRoot}/dist/release-gates/{projectName}/aarch64-unknown-linux-gnu/gate-build.json');
    expect(outputs.some((o) => o.includes('gate-fmt'))).toBe(false);
  });

  it('declares outputs only under dist/release-gates/<project>, never in cargo’s target/', () => {
    for (const target of GATE_TARGETS) {
      const outputs = targets[target].outputs!;
      expect(outputs).toContain(`{workspaceRoot}/dist/release-gates/{projectName}/${target}.json`);
      for (const output of outputs) {
        expect(output.startsWith('{workspaceRoot}/dist/release-gates/{projectName}/')).toBe(true);
        expect(output).not.toMatch(/(^|\/|\})target(\/|$)/);
      }
    }
    expect(targets['gate-build'].outputs).toContain('{workspaceRoot}/dist/release-gates/{projectName}/bin');
    // A trusted writer's signature is cached and replayed with what it vouches for.
    expect(targets['gate-build'].outputs).toContain('{workspaceRoot}/dist/release-gates/{projectName}/gate-build.signature.json');
    expect(targets['gate-test'].outputs).toContain('{workspaceRoot}/dist/release-gates/{projectName}/junit.xml');
  });

  it('hashes the crate, its path dependencies’ build files, the emergency skip, the fingerprint and the lockfile packages it uses', () => {
    for (const target of GATE_TARGETS) {
      const inputs = targets[target].inputs as Input[];
      // gate-lockfile and gate-workflows read no source file: their state inputs hold what they judge (below).
      if (!STATEFUL.includes(target)) expect(inputs).toContain('rust-crate');
      if (!STATEFUL.includes(target) && target !== 'gate-fmt') expect(inputs).toContain('^rust-crate-build');
      expect(inputs).toContainEqual(fingerprintInput(crate()));
      // No input runs a process: the fingerprint check and the state probes are the custom hasher's (state-hasher.ts).
      expect(inputs.filter((i) => typeof i === 'object' && 'runtime' in i)).toEqual([]);
      if (target !== 'gate-fmt') expect(inputs).toContainEqual({ externalDependencies: ['cargo:serde@1.0.200', 'cargo:itoa@1.0.11'] });
      // The variables every gate hashes come through the crate's named input, written once per crate.
      expect(inputs).toContain(GATE_ENV);
      if (target !== 'gate-workflows') expect(inputs).toContain('{workspaceRoot}/Cargo.toml');
      // Cargo.lock is represented by its external nodes, not hashed as a file.
      expect(inputs).not.toContain('{workspaceRoot}/Cargo.lock');
      for (const input of inputs) if (typeof input === 'string') expect(input).not.toMatch(/^[^!].*\/target(\/|$)/);
    }
    expect(fingerprintVariableArgs(fingerprintInput(crate()).env)).toEqual(['crates/llm-cli']);
    for (const env of EMERGENCY_ENV_INPUTS) expect(project.namedInputs?.[GATE_ENV]).toContainEqual({ env });
    const host = hostTriple();
    if (host) expect(project.namedInputs?.[GATE_ENV]).toContainEqual({ env: `CC_${host}` });
  });

  it('keys gate-fmt by the crate\'s own files: a dependency\'s source or a Cargo.lock package re-runs the gates that compile them, not it', () => {
    const inputs = targets['gate-fmt'].inputs as Input[];
    expect(inputs.filter((i): i is string => typeof i === 'string' && i !== GATE_ENV)).toEqual(['rust-crate', '{workspaceRoot}/Cargo.toml']);
    // An empty list, not no input: without one Nx hashes every external node of the workspace.
    expect(inputs).toContainEqual({ externalDependencies: [] });
    expect(inputs).toContainEqual(fingerprintInput(crate()));
    expect(inputs).toContain(GATE_ENV);
    expect(targets['gate-build'].inputs).toContain('^rust-crate-build');
  });

  it('keys gate-lockfile by manifests and gate-workflows by its state alone: a source edit re-runs neither', () => {
    const files = (target: string) => (targets[target].inputs as Input[]).filter((i): i is string => typeof i === 'string' && i !== GATE_ENV);
    expect(files('gate-lockfile')).toEqual(['rust-crate-manifest', '^rust-crate-manifest', '{workspaceRoot}/Cargo.toml']);
    expect(files('gate-workflows')).toEqual([]);
    const state = (target: string) => stateProbesOf(targets[target].metadata).map(([kind]) => kind);
    expect(state('gate-lockfile')).toEqual(['lockfile']);
    expect(state('gate-workflows')).toEqual(['workflows']);
  });

  it('passes envInputs patterns and path dependencies outside the workspace to the fingerprint, shell-safely', () => {
    const outside = crateProject(
      crate({
        pathDependencies: [{ name: 'shared', root: '../shared', kind: 'normal' }],
        releaseGatesMetadata: { package: { 'env-inputs': ['MY_BUILD_*', 'GIT_HASH'] }, workspace: null },
      }),
      {},
      WORKSPACE_ROOT,
    );
    const fingerprintOf = (inputs: Input[]) => inputs.find((i): i is { env: string } => typeof i === 'object' && 'env' in i && String(i.env).startsWith('NX_RELEASE_GATES_FP_'))!.env;
    const variable = fingerprintOf(outside.targets!['gate-test'].inputs as Input[]);
    // `MY_BUILD_*` travels inside a variable name of letters and digits: no shell ever sees it.
    expect(variable).toMatch(/^NX_RELEASE_GATES_FP_[A-Z2-7]+$/);
    expect(parseFingerprintArgs(fingerprintVariableArgs(variable) ?? [])).toEqual({ crateRoot: 'crates/llm-cli', envPatterns: ['MY_BUILD_*', 'GIT_HASH'], trees: ['../shared'] });
    const spaced = crateProject(crate({ root: 'my crates/x;rm -rf ~' }), {}, WORKSPACE_ROOT);
    const encoded = fingerprintOf(spaced.targets!['gate-test'].inputs as Input[]);
    expect(encoded).toMatch(/^NX_RELEASE_GATES_FP_[A-Z2-7]+$/);
    expect(fingerprintVariableArgs(encoded)).toEqual(['my crates/x;rm -rf ~']);
    for (const input of spaced.targets!['gate-test'].inputs as Input[]) if (typeof input === 'object' && 'runtime' in input) expect(input.runtime).not.toContain('rm -rf');
  });

  it('adds the release tag variables to gate-version only', () => {
    const envOf = (target: string) => (targets[target].inputs as Input[]).filter((i): i is { env: string } => typeof i === 'object' && 'env' in i).map((i) => i.env);
    if (targets['gate-version']) expect(envOf('gate-version')).toContain('RELEASE_TAG');
    expect(envOf('gate-build')).not.toContain('RELEASE_TAG');
  });

  it('hashes Cargo.lock as a file while the workspace has none, and the Cargo workspace’s own manifest for a nested workspace', () => {
    const nested = crateProject(crate({ lockfile: null, workspaceRoot: 'rust', root: 'rust/crates/llm-cli' }), {}, WORKSPACE_ROOT);
    const inputs = nested.targets!['gate-build'].inputs as Input[];
    expect(inputs).toContain('{workspaceRoot}/rust/Cargo.lock');
    expect(inputs).toContain('{workspaceRoot}/rust/Cargo.toml');
  });

  it('gives each gate target the merged lower-layer options it reads', () => {
    expect(targets['gate-size'].options).toMatchObject({ maxBinarySize: '15MB' });
    expect(targets['gate-test'].options).toMatchObject({ runner: 'nextest' });
    expect(targets['gate-doc'].options).toMatchObject({ missingDocs: 'deny' });
    expect(targets['gate-package'].options).toMatchObject({ maxCrateSize: '10MiB', requiredFiles: [] });
    expect(targets['gate-size'].options).not.toHaveProperty('runner');
    for (const target of GATE_TARGETS) expect(targets[target].options).not.toHaveProperty('targetPrefix');
  });

  it('runs gate-size after gate-build, and gate-version after gate-build only with a versionCommand', () => {
    expect(targets['gate-size'].dependsOn).toEqual(['gate-build']);
    expect(targets['gate-build'].dependsOn).toBeUndefined();
    if (targets['gate-version']) {
      expect(targets['gate-version'].dependsOn).toBeUndefined();
      const withCommand = crateProject(crate({ releaseGatesMetadata: { package: { 'version-command': ['--version'] }, workspace: null } }), {}, WORKSPACE_ROOT);
      expect(withCommand.targets!['gate-version'].dependsOn).toEqual(['gate-build']);
    }
  });

  it('describes every target in metadata', () => {
    for (const [name, target] of Object.entries(targets)) {
      expect(typeof target.metadata?.description).toBe('string');
      expect((target.metadata!.description as string).length).toBeGreaterThan(20);
      expect(target.metadata!.technologies).toEqual(['rust']);
      // help: a command that shows the target's options, and an example of them.
      expect(target.metadata!.help!.command).toMatch(new RegExp(`^nx run [\\w-]+:${name} --help$`));
      expect(typeof target.metadata!.help!.example.options).toBe('object');
    }
    expect(targets['gate-size'].metadata!.help!.example.options).toEqual({ maxBinarySize: '20MiB' });
    const build = GATES.find((g) => g.name === 'build')!;
    expect(targets['gate-build'].metadata!.description).toBe(build.description);
  });

  it('groups all of its targets under one target group, gates in registry order', () => {
    const group = project.metadata!.targetGroups![TARGET_GROUP];
    expect(group.slice(0, GATE_TARGETS.length)).toEqual(GATE_TARGETS);
    expect(group).toContain(RELEASE_DRY_RUN);
    expect([...group].sort()).toEqual(Object.keys(targets).sort());
  });

  it('provides the named inputs that ^rust-crate-build refers to, excluding target/ and tests', () => {
    expect(project.namedInputs!['rust-crate']).toEqual(expect.arrayContaining(['{projectRoot}/**/*', '!{projectRoot}/target/**']));
    expect(project.namedInputs!['rust-crate-build']).toEqual(expect.arrayContaining(['!{projectRoot}/target/**', '!{projectRoot}/tests/**']));
  });
});

describe('rustfmt configuration in the key', () => {
  it('is keyed once, by the fingerprint (every rustfmt.toml of the crate folder and its ancestors), not by file inputs', () => {
    const project = crateProject(crateModel(), {}, '/ws');
    const inputs = project.targets!['gate-fmt'].inputs!;
    expect(inputs.filter((i) => typeof i === 'string' && /rustfmt\.toml$/.test(i))).toEqual([]);
    expect(inputs).toContainEqual(fingerprintInput(crateModel()));
  });
});

describe('CI in the key', () => {
  it('joins the inputs of the traced gates while undeclaredInputs is left to its CI-dependent default', () => {
    const project = crateProject(crateModel(), {}, '/ws');
    for (const gate of ['gate-build', 'gate-test', 'gate-fmt']) expect(project.targets![gate].inputs).toContainEqual({ env: 'CI' });
    expect(project.targets!['gate-lockfile'].inputs).not.toContainEqual({ env: 'CI' });
    expect(project.targets!['gate-test'].options.undeclaredInputs).toBeUndefined();
    const set = crateProject(crateModel(), { undeclaredInputs: 'warn' }, '/ws');
    expect(set.targets!['gate-test'].inputs).not.toContainEqual({ env: 'CI' });
  });
});

describe('the state probes a gate gets', () => {
  const spec = (name: string) => GATES.find((g) => g.name === name)!;

  it('are the catalog kinds; without Cargo.lock gate-publish also keys the fresh resolution', () => {
    expect(stateInputsOf(spec('version'), { lockfile: 'Cargo.lock', publish: true, hasLibrary: true })).toEqual(['registry', 'tags']);
    expect(stateInputsOf(spec('publish'), { lockfile: 'Cargo.lock', publish: true, hasLibrary: true })).toEqual(['registry']);
    expect(stateInputsOf(spec('publish'), { lockfile: null, publish: true, hasLibrary: true })).toEqual(['registry', 'resolution']);
    expect(stateInputsOf(spec('docker'), { lockfile: null, publish: true, hasLibrary: true }, { dockerfile: 'Dockerfile' })).toEqual(['engines']);
  });

  it('are none for a gate that skips, for a reason inference sees, before it reads any', () => {
    const library = { lockfile: 'Cargo.lock', publish: true, hasLibrary: true };
    expect(stateInputsOf(spec('docker'), library, {})).toEqual([]);
    expect(stateInputsOf(spec('docker'), library, { dockerfile: '' })).toEqual([]);
    expect(stateInputsOf(spec('docker'), library, { dockerfile: 'templates/docker/Dockerfile' })).toEqual(['engines']);
    expect(stateInputsOf(spec('semver'), library, { semver: true })).toEqual(['registry', 'tags', 'semver-tool']);
    expect(stateInputsOf(spec('semver'), library, { semver: false })).toEqual([]);
    expect(stateInputsOf(spec('semver'), { ...library, hasLibrary: false }, { semver: true })).toEqual([]);
  });

  it('leave an unpublished crate off the registry, except for the baseline gate-semver looks up', () => {
    const unpublished = { lockfile: null, publish: false, hasLibrary: true };
    expect(stateInputsOf(spec('version'), unpublished)).toEqual(['tags']);
    expect(stateInputsOf(spec('publish'), unpublished)).toEqual([]);
    expect(stateInputsOf(spec('install'), unpublished)).toEqual([]);
    expect(stateInputsOf(spec('semver'), unpublished)).toEqual(['registry', 'tags', 'semver-tool']);
  });

  it('reach every cacheable gate that reads outside state as one probe per kind in its metadata, which its custom hasher keys', () => {
    const targets = crateProject(crate(), {}, WORKSPACE_ROOT).targets!;
    expect(stateProbesOf(targets['gate-semver'].metadata).map(([kind]) => kind)).toEqual(['registry', 'tags', 'semver-tool']);
    expect(stateProbesOf(targets['gate-build'].metadata)).toEqual([]);
    const hashers = Object.fromEntries(Object.entries(executorManifest()).filter(([, e]) => e.hasher).map(([name, e]) => [name, e.hasher]));
    expect(Object.keys(hashers).sort()).toEqual([...GATES.map(gateTarget), RELEASE_DRY_RUN].sort());
    for (const gate of GATES) expect(hashers[gateTarget(gate)]).toMatch(/state-hasher#stateHasher$/);
    expect(hashers[RELEASE_DRY_RUN]).toMatch(/dry-run-hasher#dryRunHasher$/);
  });
});
