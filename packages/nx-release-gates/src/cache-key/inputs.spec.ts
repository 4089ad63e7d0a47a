import * as path from 'node:path';
import { crateModel } from '../testing/crate-model';
import { fingerprintRuntimeInput, gateStateRuntimeInput } from './inputs';
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
