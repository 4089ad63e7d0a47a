import * as path from 'node:path';
import { crateModel } from '../testing/crate-model';
import { fingerprintRuntimeInput, gateInputs, gateStateRuntimeInput, packagedFileInputs } from './inputs';
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

  it('leave out files inside the crate (its own files cover them) and outside the Nx workspace (no file input reaches them)', () => {
    expect(packagedFileInputs(crateModel({ root: 'pkg', publishMetadata: { ...meta, licenseFile: '../../LICENSE', readme: 'README.md' } }), '/nx')).toEqual([]);
    expect(packagedFileInputs(crateModel({ root: '.', publishMetadata: { ...meta, licenseFile: null, readme: 'docs/README.md' } }), '/nx')).toEqual([]);
    expect(packagedFileInputs(crateModel({ root: 'pkg' }), '/nx')).toEqual([]);
  });
});
