import * as path from 'node:path';
import { crateModel } from '../testing/crate-model';
import { gateInputs } from './inputs';
import { keyedOptionsProblem } from './keyed-options';

const WORKSPACE = path.resolve(__dirname, '..', '..', '..', '..');

describe('options the cache key read at inference', () => {
  const crate = crateModel({ name: 'tool', root: 'crates/tool' });
  const inputsFor = (gate: string, kinds: Parameters<typeof gateInputs>[4], options = {}) => gateInputs(crate, WORKSPACE, [], [], kinds, gate, options) as unknown[];

  it('pass when the gate runs with what its probes read', () => {
    expect(keyedOptionsProblem('version', inputsFor('version', ['registry', 'tags'], { registryIndex: '/srv/index' }), crate, { registryIndex: '/srv/index' }, WORKSPACE)).toBeNull();
    expect(keyedOptionsProblem('docker', inputsFor('docker', ['engines']), crate, { containerEngines: ['docker', 'podman', 'buildah'] }, WORKSPACE)).toBeNull();
    // Nx did not say what the inputs are: nothing to compare.
    expect(keyedOptionsProblem('version', undefined, crate, { registryIndex: '/elsewhere' }, WORKSPACE)).toBeNull();
  });

  it('refuse, in one line, a registryIndex or engine list given where the key cannot see it', () => {
    const index = keyedOptionsProblem('version', inputsFor('version', ['registry', 'tags']), crate, { registryIndex: '/srv/index' }, WORKSPACE);
    expect(index).toBe(
      'option registryIndex differs from what gate-version\'s cache key reads ("/srv/index"): set it in the nx.json plugin options or in Cargo.toml [package.metadata.release-gates] instead of the target options (project.json, targetDefaults, the command line), which do not reach the cache key',
    );
    expect(keyedOptionsProblem('docker', inputsFor('docker', ['engines']), crate, { containerEngines: ['podman'] }, WORKSPACE)).toMatch(/^option containerEngines differs/);
  });

  it("refuse a Docker context outside the crate folder that gate-docker's file inputs do not hold", () => {
    expect(keyedOptionsProblem('docker', inputsFor('docker', ['engines']), crate, { dockerfile: 'Dockerfile', dockerContext: '../shared' }, WORKSPACE)).toMatch(
      /^options dockerfile\/dockerContext name \{workspaceRoot\}\/crates\/shared\/\*\*\/\*, which gate-docker's cache key does not hold: /,
    );
    const keyed = { dockerfile: 'Dockerfile', dockerContext: '../shared' };
    expect(keyedOptionsProblem('docker', inputsFor('docker', ['engines'], keyed), crate, keyed, WORKSPACE)).toBeNull();
  });
});
