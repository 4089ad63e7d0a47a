import * as path from 'node:path';
import { crateModel } from '../testing/crate-model';
import { crateNamedInputs, fingerprintRuntimeInput, gateInputs, gateStateRuntimeInput, packagedFileInputs } from './inputs';
import { declaredInputs, fileCoverage } from './declared-inputs';
import { GATE_SPECS } from '../model/catalog';
import { OPTIONS_RECORD } from '../generators/workflows/workflow-files';
import { decodeRuntimeArgs } from './runtime-args';
import { parseFingerprintArgs } from './fingerprint';

const WORKSPACE = path.resolve(__dirname, '..', '..', '..', '..');
/** The arguments after `node "<script>"`, as the CLI decodes them. */
const argsOf = (command: string) => decodeRuntimeArgs(command.replace(/^node "[^"]+" ?/, '').split(' ').filter(Boolean));

describe('runtime inputs', () => {
  it('gate-lockfile: the Cargo workspace folder, readable when plain', () => {
    const command = gateStateRuntimeInput(WORKSPACE, crateModel({ workspaceRoot: 'crates/tool' }), 'lockfile');
    expect(command).toMatch(/^node "[^"]+gate-state-cli\.js" lockfile crates\/tool$/);
    expect(gateStateRuntimeInput(WORKSPACE, crateModel(), 'workflows')).toMatch(/^node "[^"]+gate-state-cli\.js" workflows$/);
  });

  it.each(['q$(touch PWNED)', 'q`touch PWNED`', 'a;touch PWNED', 'it\'s "x"', 'two\nlines', 'with space'])(
    'a folder named %j reaches the CLIs only encoded, and whole',
    (folder) => {
      const crate = crateModel({ root: `${folder}/app`, workspaceRoot: folder, pathDependencies: [{ name: 's', root: `../${folder}`, kind: 'normal' }] });
      const state = gateStateRuntimeInput(WORKSPACE, crate, 'lockfile');
      const fingerprint = fingerprintRuntimeInput(WORKSPACE, crate, [`${folder}_*`]);
      for (const command of [state, fingerprint]) {
        expect(command).toMatch(/^node "[^"$`\\]+" b64:[A-Za-z0-9_-]+$/);
      }
      expect(argsOf(state)).toEqual(['lockfile', folder]);
      expect(parseFingerprintArgs(fingerprint.split(' ').slice(2))).toEqual({ crateRoot: `${folder}/app`, envPatterns: [`${folder}_*`], trees: [`../${folder}`] });
    },
  );
});

describe('files the manifest packages from outside the crate', () => {
  const meta = { description: 'x', license: null, documentation: null, homepage: null, repository: null };
  const crate = crateModel({ root: 'ws/pkg', publishMetadata: { ...meta, licenseFile: '../LICENSE', readme: '../README.md' } });

  it('are file inputs of the gates that package the crate, workspace-relative', () => {
    expect(packagedFileInputs(crate, '/nx')).toEqual(['{workspaceRoot}/ws/LICENSE', '{workspaceRoot}/ws/README.md']);
    for (const gate of ['package', 'publish', 'install']) expect(gateInputs(crate, '/nx', [], [], undefined, gate)).toContain('{workspaceRoot}/ws/README.md');
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
