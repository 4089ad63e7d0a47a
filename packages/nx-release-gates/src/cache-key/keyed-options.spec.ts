import * as path from 'node:path';
import { crateModel } from '../testing/crate-model';
import { gateInputs, gateStateProbes } from './inputs';
import { keyedOptionsProblem } from './keyed-options';

const WORKSPACE = path.resolve(__dirname, '..', '..', '..', '..');

describe('options the cache key read at inference', () => {
  const crate = crateModel({ name: 'tool', root: 'crates/tool' });
  type Kinds = NonNullable<Parameters<typeof gateInputs>[4]>;
  const inputsFor = (gate: string, kinds: Kinds, options = {}) => gateInputs(crate, WORKSPACE, [], [], kinds, gate, options) as unknown[];
  /** The state probes inference writes for `gate` with `options`, then the problem of running it with `run`. */
  const problem = (gate: string, kinds: Kinds, keyedWith: object | undefined, run: object) =>
    keyedOptionsProblem(gate, inputsFor(gate, kinds, keyedWith ?? {}), gateStateProbes(crate, kinds, keyedWith ?? {}, gate), crate, run, WORKSPACE);

  it('pass when the gate runs with what its probes read', () => {
    expect(problem('version', ['registry', 'tags'], { registryIndex: '/srv/index' }, { registryIndex: '/srv/index' })).toBeNull();
    expect(problem('docker', ['engines'], undefined, { containerEngines: ['docker', 'podman', 'buildah'] })).toBeNull();
    // Nx did not say what the inputs are: nothing to compare.
    expect(keyedOptionsProblem('version', undefined, [], crate, { registryIndex: '/elsewhere' }, WORKSPACE)).toBeNull();
  });

  it('refuse, in one line, a registryIndex or engine list given where the key cannot see it', () => {
    const index = problem('version', ['registry', 'tags'], undefined, { registryIndex: '/srv/index' });
    expect(index).toBe(
      'option registryIndex differs from what gate-version\'s cache key reads ("/srv/index"): set it in the nx.json plugin options or in Cargo.toml [package.metadata.release-gates] instead of the target options (project.json, targetDefaults, the command line), which do not reach the cache key',
    );
    expect(problem('docker', ['engines'], undefined, { containerEngines: ['podman'] })).toMatch(/^option containerEngines differs/);
  });

  it('refuse a run whose options would read state a gate that skips at inference keys none of', () => {
    // Inference saw no dockerfile (gate-docker skips) and a library-less crate or semver: false (gate-semver skips).
    expect(problem('docker', [], undefined, { containerEngines: ['docker'] })).toBeNull();
    expect(problem('docker', [], undefined, { dockerfile: 'Dockerfile' })).toMatch(/^gate-docker's cache key holds no engines state \(the options inference saw skip the gate\), but this run's options would read it: set it in the nx\.json plugin options/);
    const library = crateModel({ name: 'tool', root: 'crates/tool', hasLibrary: true });
    const semver = (run: object) => keyedOptionsProblem('semver', inputsFor('semver', []), [], library, run, WORKSPACE);
    expect(semver({ semver: false })).toBeNull();
    expect(semver({ semver: true })).toMatch(/^gate-semver's cache key holds no registry, tags, semver-tool state/);
    expect(keyedOptionsProblem('semver', inputsFor('semver', []), [], { ...library, hasLibrary: false }, { semver: true }, WORKSPACE)).toBeNull();
  });

  it("refuse a Docker context outside the crate folder that gate-docker's file inputs do not hold", () => {
    expect(problem('docker', ['engines'], undefined, { dockerfile: 'Dockerfile', dockerContext: '../shared' })).toMatch(
      /^options dockerfile\/dockerContext name \{workspaceRoot\}\/crates\/shared\/\*\*\/\*, which gate-docker's cache key does not hold: /,
    );
    const keyed = { dockerfile: 'Dockerfile', dockerContext: '../shared' };
    expect(problem('docker', ['engines'], keyed, keyed)).toBeNull();
  });
});
