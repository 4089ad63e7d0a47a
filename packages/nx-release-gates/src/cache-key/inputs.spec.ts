import * as path from 'node:path';
import { crateModel } from '../testing/crate-model';
import { crateNamedInputs, dockerFileInputs, fingerprintInput, gateInputs, gateStateProbes, packagedFileInputs, stateArgs } from './inputs';
import { declaredInputs, fileCoverage } from './declared-inputs';
import { GATE_SPECS } from '../model/catalog';
import { OPTIONS_RECORD } from '../generators/workflows/workflow-files';
import { parseFingerprintArgs } from './fingerprint';
import { fingerprintVariableArgs } from './fingerprint-env';

const WORKSPACE = path.resolve(__dirname, '..', '..', '..', '..');

describe('state probes and the fingerprint variable', () => {
  it('gate-lockfile: the Cargo workspace folder; gate-workflows: nothing more', () => {
    expect(gateStateProbes(crateModel({ workspaceRoot: 'crates/tool' }), ['lockfile'])).toEqual([['lockfile', 'crates/tool']]);
    expect(gateStateProbes(crateModel(), ['workflows'])).toEqual([['workflows']]);
  });

  it('are no inputs of the target: the gates\' custom hasher probes them and checks the fingerprints, so no input runs a process', () => {
    const runtimeInputs = (kinds: Parameters<typeof gateInputs>[4]) => (gateInputs(crateModel(), WORKSPACE, [], [], kinds, 'version') as unknown[]).filter((i) => typeof i === 'object' && i !== null && 'runtime' in i);
    expect(runtimeInputs(['registry', 'tags'])).toEqual([]);
    expect(runtimeInputs([])).toEqual([]);
  });

  it.each(['q$(touch PWNED)', 'q`touch PWNED`', 'a;touch PWNED', 'it\'s "x"', 'two\nlines', 'with space'])(
    'a folder named %j reaches the probes whole and the fingerprint only as a variable name',
    (folder) => {
      const crate = crateModel({ root: `${folder}/app`, workspaceRoot: folder, pathDependencies: [{ name: 's', root: `../${folder}`, kind: 'normal' }] });
      expect(gateStateProbes(crate, ['lockfile'])).toEqual([['lockfile', folder]]);
      const fingerprint = fingerprintInput(crate, [`${folder}_*`]).env;
      // The fingerprint travels as a variable name: letters, digits and underscores only, never shell syntax.
      expect(fingerprint).toMatch(/^NX_RELEASE_GATES_FP_[A-Z2-7]+$/);
      expect(parseFingerprintArgs(fingerprintVariableArgs(fingerprint) ?? [])).toEqual({ crateRoot: `${folder}/app`, envPatterns: [`${folder}_*`], trees: [`../${folder}`] });
    },
  );
});

describe('the fingerprint inputs', () => {
  it('one variable per request', () => {
    const a = gateInputs(crateModel({ root: 'crates/a' }), WORKSPACE) ?? [];
    const b = gateInputs(crateModel({ root: 'crates/b' }), WORKSPACE) ?? [];
    expect(a).toContainEqual(fingerprintInput(crateModel({ root: 'crates/a' })));
    expect(b).toContainEqual(fingerprintInput(crateModel({ root: 'crates/b' })));
    expect(fingerprintInput(crateModel({ root: 'crates/a' }))).not.toEqual(fingerprintInput(crateModel({ root: 'crates/b' })));
  });
});

describe('files the manifest packages from outside the crate', () => {
  const meta = { description: 'x', license: null, documentation: null, homepage: null, repository: null };
  const crate = crateModel({ root: 'ws/pkg', publishMetadata: { ...meta, licenseFile: '../LICENSE', readme: '../README.md' } });

  it('are file inputs of the gates that package the crate, workspace-relative', () => {
    expect(packagedFileInputs(crate, '/nx')).toEqual(['{workspaceRoot}/ws/LICENSE', '{workspaceRoot}/ws/README.md']);
    for (const gate of ['package', 'publish', 'install', 'version']) expect(gateInputs(crate, '/nx', [], [], undefined, gate)).toContain('{workspaceRoot}/ws/README.md');
    expect(gateInputs(crate, '/nx', [], [], undefined, 'build')).not.toContain('{workspaceRoot}/ws/README.md');
  });

  it('include release-gates.lock of the crate folder for the packaging gates, which fail a .crate holding it', () => {
    for (const gate of ['package', 'publish', 'install']) expect(gateInputs(crate, '/nx', [], [], undefined, gate)).toContain('{projectRoot}/release-gates.lock');
    expect(gateInputs(crate, '/nx', [], [], undefined, 'test')).not.toContain('{projectRoot}/release-gates.lock');
  });

  it('leave out files inside the crate (its own files cover them) and outside the Nx workspace (no file input reaches them)', () => {
    expect(packagedFileInputs(crateModel({ root: 'pkg', publishMetadata: { ...meta, licenseFile: '../../LICENSE', readme: 'README.md' } }), '/nx')).toEqual([]);
    expect(packagedFileInputs(crateModel({ root: '.', publishMetadata: { ...meta, licenseFile: null, readme: 'docs/README.md' } }), '/nx')).toEqual([]);
    expect(packagedFileInputs(crateModel({ root: 'pkg' }), '/nx')).toEqual([]);
  });
});

describe("the workflows generator's record of its options", () => {
  // A crate at the workspace root: its folder holds .github/, where the generator records its options.
  const root = crateModel({ root: '.' });
  const coverage = (gate: string, file: string) =>
    fileCoverage(
      declaredInputs({
        project: 'tool',
        projectRoot: '.',
        inputs: gateInputs(root, '/nx', [], [], undefined, gate) as unknown[],
        namedInputs: () => crateNamedInputs(),
        rootOf: () => '.',
        dependenciesOf: () => [],
      }),
      file,
    );

  it('is no file input of any gate (only gate-workflows reads it, through its state input), even for a root crate', () => {
    for (const gate of GATE_SPECS) expect([gate.name, coverage(gate.name, OPTIONS_RECORD).covered]).toEqual([gate.name, false]);
    // The workflow files beside it stay the root crate's files, as any file in its folder.
    expect(coverage('build', '.github/workflows/release.yml').covered).toBe(true);
  });
});

describe('the state probes of the registry, tag and engine gates', () => {
  const crate = crateModel({
    name: 'tool',
    root: 'crates/tool',
    pathDependencies: [
      { name: 'zeta', root: '../zeta', kind: 'normal' },
      { name: 'alpha', root: '../alpha', kind: 'build' },
      { name: 'helper', root: '../helper', kind: 'dev' },
    ],
  });

  it('registry: the index (crates.io unless set) and the crate with its non-dev path dependencies, sorted', () => {
    expect(stateArgs(crate, 'registry', {})).toEqual(['https://index.crates.io/', 'alpha', 'tool', 'zeta']);
    expect(stateArgs(crate, 'registry', { registryIndex: '/srv/index' })[0]).toBe('/srv/index');
  });

  it('tags: HEAD only in the key of gate-version (on a tag push the tag must be the checkout)', () => {
    expect(stateArgs(crate, 'tags', {}, 'version')).toEqual(['tool', 'head']);
    expect(stateArgs(crate, 'tags', {}, 'semver')).toEqual(['tool']);
  });

  it('engines: the configured order, the default without one', () => {
    expect(stateArgs(crate, 'engines', {})).toEqual(['docker', 'podman', 'buildah']);
    expect(stateArgs(crate, 'engines', { containerEngines: [] })).toEqual([]);
  });

  it("resolution: the index, the crate folder, gate-install's result file and the lockfile", () => {
    expect(stateArgs(crate, 'resolution', {})).toEqual(['https://index.crates.io/', 'crates/tool', 'dist/release-gates/tool/gate-install.json', 'Cargo.lock']);
    expect(stateArgs(crateModel({ lockfile: null }), 'resolution', {})[3]).toBe('');
  });

  it('are kept whole, a URL with shell characters included', () => {
    expect(gateStateProbes(crate, ['registry'], { registryIndex: 'sparse+https://mirror.example/$x' })).toEqual([['registry', 'sparse+https://mirror.example/$x', 'alpha', 'tool', 'zeta']]);
  });

  it("gate-docker's Dockerfile and context outside the crate folder are file inputs; inside or outside the workspace they are not", () => {
    expect(dockerFileInputs(crate, '/nx', { dockerfile: '../../docker/Dockerfile', dockerContext: '../..' })).toEqual(['{workspaceRoot}/docker/Dockerfile']);
    expect(dockerFileInputs(crate, '/nx', { dockerfile: 'Dockerfile', dockerContext: '../shared' })).toEqual(['{workspaceRoot}/crates/shared/**/*']);
    expect(dockerFileInputs(crate, '/nx', { dockerfile: '../../../Dockerfile' })).toEqual([]);
    expect(gateInputs(crate, '/nx', [], [], [], 'docker', { dockerfile: 'Dockerfile', dockerContext: '../shared' })).toContain('{workspaceRoot}/crates/shared/**/*');
  });
});
