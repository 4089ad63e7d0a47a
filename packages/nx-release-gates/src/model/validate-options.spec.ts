import { crateModel, crateWithGateMetadata, LAYER_SOURCES } from '../testing/crate-model';
import { OPTION_DEFINITIONS, optionsForGate, toKebabCase } from './options';
import { inferredOptionsForGate, lowerLayers, OptionLayer, TARGET_OPTIONS_SOURCE } from './resolve-options';
import { OptionError, validateGateOptions, validTriple } from './validate-options';

const MiB = 1024 * 1024;

const crate = crateWithGateMetadata;
const { package: PACKAGE_SOURCE, workspace: WORKSPACE_SOURCE, plugin: PLUGIN_SOURCE } = LAYER_SOURCES;

/** Validates the way an executor does: inference writes the lower layers, Nx merges target options on top. */
function resolveAsExecutor(gate: string, layers: OptionLayer[], targetOptions: Record<string, unknown> = {}) {
  return validateGateOptions(gate, { ...inferredOptionsForGate(gate, layers), ...targetOptions }, layers);
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

describe('validateGateOptions: envInputs and paths', () => {
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
    expect(() => validateGateOptions('build', { envInputs: ['X'] }, layers)).toThrow(/inference cannot add it to the cache key/);
  });

  it('refuses crate-relative paths that leave the workspace, also through a symlink', () => {
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'paths-'));
    fs.mkdirSync(path.join(ws, 'app', 'docker'), { recursive: true });
    fs.symlinkSync('/etc', path.join(ws, 'app', 'etc-link'));
    const scope = { workspaceRoot: ws, crateDir: path.join(ws, 'app') };
    const layers = lowerLayers(crate(null, null), undefined);
    expect(validateGateOptions('docker', { dockerfile: 'docker/Dockerfile' }, layers, scope).dockerfile).toBe('docker/Dockerfile');
    expect(validateGateOptions('package', { requiredFiles: ['../shared/x.txt'] }, layers, scope).requiredFiles).toEqual(['../shared/x.txt']);
    expect(() => validateGateOptions('docker', { dockerfile: '../../etc/passwd' }, layers, scope)).toThrow(/outside the workspace/);
    expect(() => validateGateOptions('docker', { dockerContext: 'etc-link' }, layers, scope)).toThrow(/resolves to \/etc, outside the workspace/);
    expect(() => validateGateOptions('package', { requiredFiles: ['etc-link/*.conf'] }, layers, scope)).toThrow(/outside the workspace/);
    fs.rmSync(ws, { recursive: true, force: true });
  });
});

describe('validateGateOptions', () => {
  it('returns defaults, with sizes in bytes, when nothing is set', () => {
    const layers = lowerLayers(crate(null, null), undefined);
    expect(resolveAsExecutor('size', layers)).toMatchObject({ maxBinarySize: 20 * MiB });
    expect(resolveAsExecutor('package', layers)).toMatchObject({ features: [], noDefaultFeatures: false, requiredFiles: [], maxCrateSize: 10 * MiB });
    expect(validateGateOptions('doc', {}, layers)).toMatchObject({ missingDocs: 'warn', denyWarnings: false });
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
    expect(validateGateOptions('test', { runner: null }, layers).runner).toBe('cargo');
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
    expect(() => validateGateOptions('size', { maxBinarySise: '1MiB' }, layers)).toThrow(/^unknown option maxBinarySise in target options .*known options: .*maxBinarySize/);
    expect(validateGateOptions('build', { maxBinarySize: '1MiB' }, layers).features).toEqual([]);
  });
});

describe('validateGateOptions: did you mean', () => {
  it('names the key a misspelt Cargo.toml key was meant to be', () => {
    const layers = lowerLayers(crate({ 'max-binary-sise': '1MB' }, null), undefined);
    const error = errorOf(() => resolveAsExecutor('size', layers));
    expect(error.message).toMatch(/; did you mean max-binary-size\?$/);
    expect(error.message).not.toContain('kebab-case');
  });

  it('names the kebab-case key for a camelCase key in Cargo.toml', () => {
    const layers = lowerLayers(crate({ maxBinarySize: '1MB' }, null), undefined);
    const error = errorOf(() => resolveAsExecutor('size', layers));
    expect(error.message).toMatch(/^unknown key "maxBinarySize" in crates\/tool\/Cargo\.toml \[package\.metadata\.release-gates\]; known keys: /);
    expect(error.message).toMatch(/; did you mean max-binary-size \(Cargo\.toml keys are kebab-case\)\?$/);
  });

  it('also for a misspelt camelCase or snake_case key in Cargo.toml', () => {
    const camel = errorOf(() => resolveAsExecutor('size', lowerLayers(crate({ maxBinarySise: '1MB' }, null), undefined)));
    expect(camel.message).toMatch(/did you mean max-binary-size \(Cargo\.toml keys are kebab-case\)\?$/);
    const snake = errorOf(() => resolveAsExecutor('size', lowerLayers(crate(null, { max_binary_size: '1MB' }), undefined)));
    expect(snake.message).toMatch(/did you mean max-binary-size \(Cargo\.toml keys are kebab-case\)\?$/);
  });

  it('offers nothing for a key near no option', () => {
    const error = errorOf(() => resolveAsExecutor('size', lowerLayers(crate({ 'build-timeout': 5 }, null), undefined)));
    expect(error.message).not.toContain('did you mean');
  });

  it('names the option a misspelt target option was meant to be, one hint for each', () => {
    const layers = lowerLayers(crate(null, null), {});
    expect(() => validateGateOptions('size', { maxBinarySise: '1MiB' }, layers)).toThrow(/; did you mean maxBinarySize\?$/);
    const both = errorOf(() => validateGateOptions('test', { runer: 'nextest', 'allow-no-tests': true }, layers));
    expect(both.message).toMatch(/^unknown options runer, allow-no-tests in target options/);
    expect(both.message).toMatch(/; did you mean runner for runer, allowNoTests for allow-no-tests\?$/);
  });

  it('reports every misspelt key of every layer, and stops there: values of a misspelt table are not the ones meant', () => {
    const layers = lowerLayers(crate({ 'max-binary-sise': '1MB' }, { runer: 'nextest' }), { maxBinarySize: 'huge' });
    const error = errorOf(() => resolveAsExecutor('size', layers, { denyWarning: true }));
    expect(error.mistakes).toHaveLength(3);
    expect(error.mistakes[0]).toMatch(/^unknown key "runer" in Cargo\.toml \[workspace/);
    expect(error.mistakes[1]).toMatch(/^unknown key "max-binary-sise" in crates\/tool/);
    expect(error.mistakes[2]).toMatch(/^unknown option denyWarning in target options/);
    expect(error.message).toMatch(/^3 option mistakes: \(1\) unknown key "runer" .*; \(2\) unknown key "max-binary-sise" .*; \(3\) unknown option denyWarning /);
    expect(error.message).not.toContain('huge');
    expect(error.message).not.toContain('\n');
  });
});

describe('validateGateOptions: every mistake at once', () => {
  it('lists each bad value as its own mistake, in one line', () => {
    const layers = lowerLayers(crate({ 'max-crate-size': 'big' }, null), undefined);
    const error = errorOf(() => resolveAsExecutor('package', layers, { features: 'a', noDefaultFeatures: 'yes' }));
    expect(error.mistakes).toEqual([
      `option features "a" (from ${TARGET_OPTIONS_SOURCE}) must be a list of non-empty strings, e.g. ["a", "b"]`,
      `option noDefaultFeatures "yes" (from ${TARGET_OPTIONS_SOURCE}) must be true or false`,
      `option maxCrateSize "big" (from ${PACKAGE_SOURCE} max-crate-size) is not a size; write bytes or a number with KB, MB, GB, KiB, MiB or GiB, e.g. "20MiB"`,
    ]);
    expect(error.message.split('\n')).toHaveLength(1);
  });
});

describe('validateGateOptions: targetTriple', () => {
  const layers = lowerLayers(crate(null, null), undefined);

  it('takes a target triple, and an empty one as the host', () => {
    expect(validateGateOptions('build', { targetTriple: 'aarch64-apple-darwin' }, layers).targetTriple).toBe('aarch64-apple-darwin');
    expect(validateGateOptions('test', { targetTriple: 'x86_64-unknown-linux-gnu' }, layers).targetTriple).toBe('x86_64-unknown-linux-gnu');
    expect(validateGateOptions('build', { targetTriple: '' }, layers)).not.toHaveProperty('targetTriple');
  });

  it.each(['../../etc', 'x86_64', 'aarch64-apple-darwin;rm -rf /', 'AARCH64-apple-darwin'])('refuses %p, which could become a path or an argument', (triple) => {
    expect(() => validateGateOptions('build', { targetTriple: triple }, layers)).toThrow(
      `option targetTriple ${JSON.stringify(triple)} is not a Rust target triple; write e.g. x86_64-unknown-linux-gnu (rustc --print target-list lists them)`,
    );
  });

  it('validTriple gives the triple a result folder may be named after, else the host', () => {
    expect(validTriple('aarch64-apple-darwin')).toBe('aarch64-apple-darwin');
    expect(validTriple('../x-y-z')).toBeUndefined();
    expect(validTriple(3)).toBeUndefined();
    expect(validTriple(undefined)).toBeUndefined();
  });
});

describe('validateGateOptions: features', () => {
  const fs = require('node:fs') as typeof import('node:fs');
  const os = require('node:os') as typeof import('node:os');
  const path = require('node:path') as typeof import('node:path');
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'features-'));
  afterAll(() => fs.rmSync(ws, { recursive: true, force: true }));
  const gpu = crateModel({ features: { default: ['cli'], cli: [], 'llama-cuda': [], llama: [] } });
  const scope = { workspaceRoot: ws, crateDir: ws, crate: gpu };
  const layers = lowerLayers(gpu, undefined);

  it('accepts features the crate defines', () => {
    expect(validateGateOptions('cuda', { features: ['cli'], cudaFeatures: ['llama-cuda'] }, layers, scope).features).toEqual(['cli']);
    expect(validateGateOptions('test', { excludeFeatures: ['llama'] }, layers, scope).excludeFeatures).toEqual(['llama']);
  });

  it('refuses a feature the crate does not define, listing its features', () => {
    expect(() => validateGateOptions('build', { features: ['turbo'] }, layers, scope)).toThrow(
      'feature "turbo" is not defined by crate tool (its features: cli, llama-cuda, llama); correct the name in the options or define the feature under [features] in crates/tool/Cargo.toml',
    );
  });

  it('checks excludeFeatures, cudaFeatures and cpuFallbackFeatures too', () => {
    const cuda = errorOf(() => validateGateOptions('cuda', { cudaFeatures: ['a'], cpuFallbackFeatures: ['b'] }, layers, scope));
    expect(cuda.message).toMatch(/^features "a", "b" are not defined by crate tool/);
    const test = errorOf(() => validateGateOptions('test', { excludeFeatures: ['c'] }, layers, scope));
    expect(test.message).toMatch(/^feature "c" is not defined by crate tool/);
  });

  it('leaves features unchecked without the crate (inference-time callers)', () => {
    expect(validateGateOptions('build', { features: ['turbo'] }, layers).features).toEqual(['turbo']);
  });
});
