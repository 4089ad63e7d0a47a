import type { CrateModel } from './crate-model';
import { crateModel } from '../testing/crate-model';
import { OPTION_DEFINITIONS, optionsForGate, toKebabCase } from './options';
import { inferredOptionsForGate, lowerLayers, OptionError, OptionLayer, resolveGateOptions, TARGET_OPTIONS_SOURCE } from './resolve-options';

const MiB = 1024 * 1024;

function crate(packageTable: Record<string, unknown> | null, workspaceTable: Record<string, unknown> | null): CrateModel {
  return crateModel({ releaseGatesMetadata: { package: packageTable, workspace: workspaceTable } });
}

const PACKAGE_SOURCE = 'crates/tool/Cargo.toml [package.metadata.release-gates]';
const WORKSPACE_SOURCE = 'Cargo.toml [workspace.metadata.release-gates]';
const PLUGIN_SOURCE = 'nx.json plugin options (nx-release-gates)';

/** Resolves the way an executor does: inference writes the lower layers, Nx merges target options on top. */
function resolveAsExecutor(gate: string, layers: OptionLayer[], targetOptions: Record<string, unknown> = {}) {
  return resolveGateOptions(gate, { ...inferredOptionsForGate(gate, layers), ...targetOptions }, layers);
}

function errorOf(fn: () => unknown): OptionError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(OptionError);
    return error as OptionError;
  }
  throw new Error('expected an OptionError, nothing was thrown');
}

describe('lowerLayers', () => {
  it('lists defaults, nx.json, workspace metadata and package metadata, lowest first, naming the manifests', () => {
    const layers = lowerLayers(crate({ runner: 'nextest' }, { 'missing-docs': 'deny' }), { maxBinarySize: '15MB' });
    expect(layers.map((l) => l.source)).toEqual(['defaults', PLUGIN_SOURCE, WORKSPACE_SOURCE, PACKAGE_SOURCE]);
    expect(layers.map((l) => l.kebab)).toEqual([false, false, true, true]);
    expect(layers[1].values).toEqual({ maxBinarySize: '15MB' });
    expect(layers[2].values).toEqual({ 'missing-docs': 'deny' });
    expect(layers[3].values).toEqual({ runner: 'nextest' });
  });

  it('puts every option that has a default into the defaults layer', () => {
    const defaults = lowerLayers(crate(null, null), undefined)[0].values;
    expect(defaults).toMatchObject({ maxCrateSize: '10MiB', maxBinarySize: '20MiB', runner: 'cargo', missingDocs: 'warn', features: [] });
    expect(Object.keys(defaults).sort()).toEqual(OPTION_DEFINITIONS.filter((d) => d.default !== undefined).map((d) => d.name).sort());
    expect('cudaFeatures' in defaults).toBe(false);
  });

  it('keeps only gate options from the nx.json plugin options', () => {
    const layers = lowerLayers(crate(null, null), { targetPrefix: 'x-', runner: 'nextest', somethingElse: true });
    expect(layers[1].values).toEqual({ runner: 'nextest' });
  });

  it('uses empty tables when the crate has no metadata', () => {
    const layers = lowerLayers(crate(null, null), undefined);
    expect(layers[1].values).toEqual({});
    expect(layers[2].values).toEqual({});
    expect(layers[3].values).toEqual({});
  });
});

describe('inferredOptionsForGate', () => {
  it('takes package metadata over workspace metadata over nx.json over defaults', () => {
    const all = lowerLayers(
      crate({ 'max-crate-size': '7MB' }, { 'max-crate-size': '8MiB', 'required-files': ['README.md'] }),
      { maxCrateSize: '9MiB', requiredFiles: ['LICENSE'], noDefaultFeatures: true },
    );
    expect(inferredOptionsForGate('package', all)).toMatchObject({
      features: [],
      noDefaultFeatures: true,
      requiredFiles: ['README.md'],
      maxCrateSize: '7MB',
    });
  });

  it('falls through to the next layer when a higher one does not set the option', () => {
    const noPackage = lowerLayers(crate(null, { 'max-crate-size': '8MiB' }), { maxCrateSize: '9MiB' });
    expect(inferredOptionsForGate('package', noPackage).maxCrateSize).toBe('8MiB');
    const onlyPlugin = lowerLayers(crate(null, null), { maxCrateSize: '9MiB' });
    expect(inferredOptionsForGate('package', onlyPlugin).maxCrateSize).toBe('9MiB');
    const none = lowerLayers(crate(null, null), undefined);
    expect(inferredOptionsForGate('package', none).maxCrateSize).toBe('10MiB');
  });

  it('gives a gate only the options it reads', () => {
    const layers = lowerLayers(crate({ 'max-binary-size': '1MB', runner: 'nextest' }, null), undefined);
    const size = inferredOptionsForGate('size', layers);
    const readBySize = new Set(optionsForGate('size').map((d) => d.name));
    expect(Object.keys(size).every((k) => readBySize.has(k))).toBe(true);
    expect(size).not.toHaveProperty('runner');
    expect(size).not.toHaveProperty('requiredFiles');
    expect(size.maxBinarySize).toBe('1MB');
    expect(inferredOptionsForGate('test', layers).runner).toBe('nextest');
    expect(inferredOptionsForGate('test', layers)).not.toHaveProperty('maxBinarySize');
  });

  it('never throws on a misspelt Cargo key: the gate reports it when it runs', () => {
    const layers = lowerLayers(crate({ 'max-binary-sise': '1MB', 'max-binary-size': '2MB' }, null), undefined);
    const size = inferredOptionsForGate('size', layers);
    expect(size.maxBinarySize).toBe('2MB');
    expect(size).not.toHaveProperty('maxBinarySise');
  });
});

describe('resolveGateOptions: envInputs and paths', () => {
  const fs = require('node:fs') as typeof import('node:fs');
  const os = require('node:os') as typeof import('node:os');
  const path = require('node:path') as typeof import('node:path');

  it('takes variable names and PREFIX_* patterns from Cargo.toml metadata', () => {
    const layers = lowerLayers(crate({ 'env-inputs': ['GIT_HASH', 'MY_BUILD_*'] }, null), undefined);
    expect(resolveAsExecutor('build', layers).envInputs).toEqual(['GIT_HASH', 'MY_BUILD_*']);
  });

  it.each([
    [['a b'], /is not a variable name or a PREFIX_\* pattern/],
    [['$(x)'], /is not a variable name/],
    [['DEPLOY_TOKEN_*'], /is a pattern that names a secret; list each variable by its full name/],
  ])('refuses envInputs %j in one line', (value, message) => {
    const layers = lowerLayers(crate({ 'env-inputs': value }, null), undefined);
    expect(() => resolveAsExecutor('build', layers)).toThrow(message);
  });

  it('takes a name that looks like a secret when it is written in full (only a slow hash of its value joins the key)', () => {
    const layers = lowerLayers(crate({ 'env-inputs': ['MAX_TOKENS', 'DEPLOY_TOKEN'] }, null), undefined);
    expect(resolveAsExecutor('build', layers).envInputs).toEqual(['MAX_TOKENS', 'DEPLOY_TOKEN']);
  });

  it('refuses envInputs set only in target options, where inference cannot hash it', () => {
    const layers = lowerLayers(crate(null, null), undefined);
    expect(() => resolveGateOptions('build', { envInputs: ['X'] }, layers)).toThrow(/inference cannot add it to the cache key/);
  });

  it('refuses crate-relative paths that leave the workspace, also through a symlink', () => {
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'paths-'));
    fs.mkdirSync(path.join(ws, 'app', 'docker'), { recursive: true });
    fs.symlinkSync('/etc', path.join(ws, 'app', 'etc-link'));
    const scope = { workspaceRoot: ws, crateDir: path.join(ws, 'app') };
    const layers = lowerLayers(crate(null, null), undefined);
    expect(resolveGateOptions('docker', { dockerfile: 'docker/Dockerfile' }, layers, scope).dockerfile).toBe('docker/Dockerfile');
    expect(resolveGateOptions('package', { requiredFiles: ['../shared/x.txt'] }, layers, scope).requiredFiles).toEqual(['../shared/x.txt']);
    expect(() => resolveGateOptions('docker', { dockerfile: '../../etc/passwd' }, layers, scope)).toThrow(/outside the workspace/);
    expect(() => resolveGateOptions('docker', { dockerContext: 'etc-link' }, layers, scope)).toThrow(/resolves to \/etc, outside the workspace/);
    expect(() => resolveGateOptions('package', { requiredFiles: ['etc-link/*.conf'] }, layers, scope)).toThrow(/outside the workspace/);
    fs.rmSync(ws, { recursive: true, force: true });
  });
});

describe('resolveGateOptions', () => {
  it('returns defaults, with sizes in bytes, when nothing is set', () => {
    const layers = lowerLayers(crate(null, null), undefined);
    expect(resolveAsExecutor('size', layers)).toMatchObject({ maxBinarySize: 20 * MiB });
    expect(resolveAsExecutor('package', layers)).toMatchObject({ features: [], noDefaultFeatures: false, requiredFiles: [], maxCrateSize: 10 * MiB });
    expect(resolveGateOptions('doc', {}, layers)).toMatchObject({ missingDocs: 'warn', denyWarnings: false });
  });

  it('lets target options win over every lower layer', () => {
    const layers = lowerLayers(crate({ 'max-binary-size': '1MB' }, { 'max-binary-size': '2MB' }), { maxBinarySize: '3MB' });
    expect(resolveAsExecutor('size', layers).maxBinarySize).toBe(1_000_000);
    expect(resolveAsExecutor('size', layers, { maxBinarySize: '4KiB' }).maxBinarySize).toBe(4096);
    expect(resolveAsExecutor('size', layers, { maxBinarySize: 123 }).maxBinarySize).toBe(123);
  });

  it('resolves each layer in turn through the whole chain', () => {
    const options = resolveAsExecutor(
      'test',
      lowerLayers(crate({ 'cuda-features': ['gpu'] }, { runner: 'nextest', 'cuda-features': ['other'] }), { runner: 'cargo' }),
    );
    expect(options).toMatchObject({ runner: 'nextest', cudaFeatures: ['gpu'] });
  });

  it('leaves options without a default undefined', () => {
    const options = resolveAsExecutor('cuda', lowerLayers(crate(null, null), undefined));
    expect(options.cudaFeatures).toBeUndefined();
    expect(options.cpuFallbackFeatures).toBeUndefined();
    expect(options.requireCuda).toBe(false);
  });

  it('treats null like unset and falls back to the default', () => {
    const layers = lowerLayers(crate(null, null), undefined);
    expect(resolveGateOptions('test', { runner: null }, layers).runner).toBe('cargo');
  });

  describe('errors', () => {
    it('names option, value and the package metadata key for a bad Cargo.toml value', () => {
      const layers = lowerLayers(crate({ 'max-binary-size': 'huge' }, null), undefined);
      const error = errorOf(() => resolveAsExecutor('size', layers));
      expect(error.message).toContain('maxBinarySize');
      expect(error.message).toContain('"huge"');
      expect(error.message).toContain(`${PACKAGE_SOURCE} max-binary-size`);
      expect(error.message).not.toContain('\n');
    });

    it('names the workspace metadata when the bad value comes from there', () => {
      const layers = lowerLayers(crate(null, { runner: 'jest' }), undefined);
      const error = errorOf(() => resolveAsExecutor('test', layers));
      expect(error.message).toBe(`option runner "jest" (from ${WORKSPACE_SOURCE} runner) must be one of: cargo, nextest`);
    });

    it('names nx.json when the bad value comes from the plugin options', () => {
      const layers = lowerLayers(crate(null, null), { missingDocs: 'forbid' });
      const error = errorOf(() => resolveAsExecutor('doc', layers));
      expect(error.message).toBe(`option missingDocs "forbid" (from ${PLUGIN_SOURCE}) must be one of: allow, warn, deny`);
    });

    it('names target options when a target option changed the value', () => {
      const layers = lowerLayers(crate({ 'max-binary-size': '1MB' }, null), undefined);
      const error = errorOf(() => resolveAsExecutor('size', layers, { maxBinarySize: '12 parsecs' }));
      expect(error.message).toContain('"12 parsecs"');
      expect(error.message).toContain(`(from ${TARGET_OPTIONS_SOURCE})`);
      expect(error.message).not.toContain('[package.metadata');
    });

    it('attributes a value a higher layer overrode to the layer that set it last', () => {
      const layers = lowerLayers(crate({ 'deny-warnings': 'yes' }, { 'deny-warnings': true }), { denyWarnings: false });
      const error = errorOf(() => resolveAsExecutor('doc', layers));
      expect(error.message).toBe(`option denyWarnings "yes" (from ${PACKAGE_SOURCE} deny-warnings) must be true or false`);
    });

    it.each([
      ['package', { noDefaultFeatures: 'true' }, 'must be true or false'],
      ['package', { features: 'llama' }, 'must be a list of non-empty strings'],
      ['package', { features: ['llama', ''] }, 'must be a list of non-empty strings'],
      ['package', { requiredFiles: [1, 2] }, 'must be a list of non-empty strings'],
      ['package', { maxCrateSize: -5 }, 'is not a size'],
      ['size', { maxBinarySize: true }, 'is not a size'],
      ['test', { runner: 3 }, 'must be one of: cargo, nextest'],
      ['docker', { dockerfile: ['Dockerfile'] }, 'must be a string'],
    ])('refuses a wrong type for gate %s: %p', (gate, targetOptions, expected) => {
      const layers = lowerLayers(crate(null, null), undefined);
      const error = errorOf(() => resolveAsExecutor(gate, layers, targetOptions));
      const [[name, value]] = Object.entries(targetOptions);
      expect(error.message).toContain(`option ${name} ${JSON.stringify(value)} (from ${TARGET_OPTIONS_SOURCE})`);
      expect(error.message).toContain(expected);
      expect(error.message.split('\n')).toHaveLength(1);
    });

    it('refuses an unknown kebab key in package metadata and lists the known keys, for every gate', () => {
      const layers = lowerLayers(crate({ 'max-binary-sise': '1MB' }, null), undefined);
      for (const gate of ['size', 'doc', 'build']) {
        const error = errorOf(() => resolveAsExecutor(gate, layers));
        expect(error.message).toContain('unknown key "max-binary-sise"');
        expect(error.message).toContain(PACKAGE_SOURCE);
        for (const d of OPTION_DEFINITIONS) expect(error.message).toContain(toKebabCase(d.name));
        expect(error.message).not.toContain('\n');
      }
    });

    it('refuses camelCase spelling in Cargo.toml metadata (it must be kebab-case)', () => {
      const layers = lowerLayers(crate(null, { maxBinarySize: '1MB' }), undefined);
      const error = errorOf(() => resolveAsExecutor('size', layers));
      expect(error.message).toMatch(/^unknown key "maxBinarySize" in Cargo\.toml \[workspace\.metadata\.release-gates\]; known keys: /);
      expect(error.message).toContain('max-binary-size');
    });

    it('ignores non-gate keys in nx.json plugin options rather than refusing them', () => {
      const layers = lowerLayers(crate(null, null), { targetPrefix: 'x' });
      expect(resolveAsExecutor('size', layers)).toMatchObject({ maxBinarySize: 20 * MiB });
      expect(resolveAsExecutor('size', layers)).not.toHaveProperty('targetPrefix');
    });
  });

  it('knows the options of each gate it validates', () => {
    // The resolver returns exactly the options with a value: definitions with defaults plus what was set.
    const layers = lowerLayers(crate(null, null), undefined);
    for (const gate of ['build', 'cuda', 'package', 'size', 'test', 'doc']) {
      const withDefaults = optionsForGate(gate).filter((d) => d.default !== undefined).map((d) => d.name).sort();
      expect(Object.keys(resolveAsExecutor(gate, layers)).sort()).toEqual(withDefaults);
    }
  });

  it('refuses a target option no gate knows, listing the known ones, and accepts options of other gates', () => {
    const layers = lowerLayers(crate(null, null), {});
    expect(() => resolveGateOptions('size', { maxBinarySise: '1MiB' }, layers)).toThrow(/^unknown option maxBinarySise in target options .*known options: .*maxBinarySize/);
    expect(resolveGateOptions('build', { maxBinarySize: '1MiB' }, layers).features).toEqual([]);
  });
});
