import type { CrateModel } from './crate-model';
import { crateModel } from '../testing/crate-model';
import { allFeaturesArgs, binariesSkippedByFeatures, cpuFallbackFeaturesOf, cudaFeaturesOf, enabledFeatures, featureArgs, featuresNeedingCuda, unknownFeatures } from './feature-sets';

function crate(features: Record<string, string[]>): CrateModel {
  return crateModel({ name: 'llm-cli', version: '0.4.2', root: 'crates/llm-cli', binaries: ['llm'], features });
}

/** Features as `cargo metadata` reports them for a crate with CUDA features and their CPU twins. */
const LLM = crate({
  default: ['server'],
  server: ['dep:axum'],
  llama: ['dep:llama-cpp-2'],
  'llama-cuda': ['llama', 'llama-cpp-2/cuda'],
  gpu: ['llama-cuda'],
  everything: ['gpu', 'server'],
  json: ['serde?/derive', 'dep:serde'],
  telemetry: ['dep:opentelemetry'],
  cudarc_helper: [],
  'incuda-thing': [],
});

describe('cudaFeaturesOf', () => {
  it('finds features with a `cuda` word, not features that merely contain the letters', () => {
    expect(cudaFeaturesOf(LLM, {})).toEqual(['llama-cuda']);
    expect(cudaFeaturesOf(crate({ cuda: [], cuda_12: [], 'x-CUDA': [], barracuda: [] }), {})).toEqual(['cuda', 'cuda_12', 'x-CUDA']);
  });

  it('uses the cudaFeatures option when given', () => {
    expect(cudaFeaturesOf(LLM, { cudaFeatures: ['gpu'] })).toEqual(['gpu']);
    expect(cudaFeaturesOf(LLM, { cudaFeatures: [] })).toEqual([]);
  });
});

describe('cpuFallbackFeaturesOf', () => {
  it('maps llama-cuda to its CPU twin llama', () => {
    expect(cpuFallbackFeaturesOf(LLM, {})).toEqual(['llama']);
  });

  it('has no twin for a bare `cuda` feature or a twin the crate lacks', () => {
    expect(cpuFallbackFeaturesOf(crate({ cuda: [], 'whisper-cuda': [] }), {})).toEqual([]);
  });

  it('handles cuda as prefix or infix word and removes duplicates', () => {
    const c = crate({ 'cuda-llama': [], 'llama-cuda': [], llama: [], 'model-cuda-full': [], 'model-full': [] });
    expect(cpuFallbackFeaturesOf(c, {})).toEqual(['llama', 'model-full']);
  });

  it('prefers the cpuFallbackFeatures option, and derives twins from the cudaFeatures option', () => {
    expect(cpuFallbackFeaturesOf(LLM, { cpuFallbackFeatures: ['server'] })).toEqual(['server']);
    expect(cpuFallbackFeaturesOf(crate({ 'a-cuda': [], a: [], 'b-cuda': [], b: [] }), { cudaFeatures: ['b-cuda'] })).toEqual(['b']);
  });
});

describe('featuresNeedingCuda', () => {
  it('includes features that switch on a CUDA feature transitively, not dependency features', () => {
    expect(featuresNeedingCuda(LLM, ['llama-cuda']).sort()).toEqual(['everything', 'gpu', 'llama-cuda']);
  });

  it('ignores `dep/feature` values even when the dependency feature is named cuda', () => {
    expect(featuresNeedingCuda(crate({ a: ['other/cuda'], cuda: [] }), ['cuda'])).toEqual(['cuda']);
  });

  it('terminates on cyclic features (cargo allows them) and still finds the CUDA path from every member of the cycle', () => {
    const cyclic = crate({ a: ['b', 'c'], b: ['a'], c: ['cuda'], cuda: [], d: ['d'] });
    expect(featuresNeedingCuda(cyclic, ['cuda']).sort()).toEqual(['a', 'b', 'c', 'cuda']);
  });
});

describe('featureArgs', () => {
  it.each([
    [[], false, []],
    [[], true, ['--no-default-features']],
    [['llama'], false, ['--features', 'llama']],
    [['llama', 'server'], true, ['--no-default-features', '--features', 'llama,server']],
  ])('%p, noDefaultFeatures=%p -> %p', (features, noDefault, args) => {
    expect(featureArgs(features as string[], noDefault as boolean)).toEqual(args);
  });
});

describe('allFeaturesArgs', () => {
  it('uses --all-features when the CUDA toolkit is present', () => {
    expect(allFeaturesArgs(LLM, {}, true)).toEqual({ args: ['--all-features'], features: Object.keys(LLM.features), excluded: [], excludedByOption: [] });
  });

  it('uses --all-features when the crate has no CUDA feature', () => {
    expect(allFeaturesArgs(crate({ a: [], b: [] }), {}, false)).toEqual({ args: ['--all-features'], features: ['a', 'b'], excluded: [], excludedByOption: [] });
  });

  it('lists every other feature, leaving out the CUDA ones and those that switch them on, without nvcc', () => {
    const { args, excluded } = allFeaturesArgs(LLM, {}, false);
    expect(excluded.sort()).toEqual(['everything', 'gpu', 'llama-cuda']);
    expect(args[0]).toBe('--features');
    expect(args[1].split(',').sort()).toEqual(['cudarc_helper', 'default', 'incuda-thing', 'json', 'llama', 'server', 'telemetry'].sort());
    expect(args).toHaveLength(2);
  });

  it('passes no feature arguments when every feature needs CUDA', () => {
    expect(allFeaturesArgs(crate({ cuda: [], gpu: ['cuda'] }), {}, false)).toEqual({ args: [], features: [], excluded: ['cuda', 'gpu'], excludedByOption: [] });
  });

  it('honours the cudaFeatures option', () => {
    const { excluded } = allFeaturesArgs(LLM, { cudaFeatures: ['telemetry'] }, false);
    expect(excluded).toEqual(['telemetry']);
  });
});

describe('allFeaturesArgs with excludeFeatures', () => {
  const ZOXIDE_LIKE = crate({ default: [], 'nix-dev': [], all: ['nix-dev', 'fast'], fast: [] });

  it('leaves out the named features and those that switch them on, and says so apart from CUDA', () => {
    const result = allFeaturesArgs(ZOXIDE_LIKE, { excludeFeatures: ['nix-dev'] }, true);
    expect(result.excludedByOption.sort()).toEqual(['all', 'nix-dev']);
    expect(result.excluded).toEqual([]);
    expect(result.args[0]).toBe('--features');
    expect(result.args[1].split(',').sort()).toEqual(['default', 'fast']);
  });

  it('keeps CUDA and option exclusions apart when both apply', () => {
    const result = allFeaturesArgs(crate({ cuda: [], gpu: ['cuda'], slow: [], fast: [] }), { excludeFeatures: ['slow', 'gpu'] }, false);
    expect(result.excluded.sort()).toEqual(['cuda', 'gpu']);
    expect(result.excludedByOption).toEqual(['slow']);
    expect(result.args).toEqual(['--features', 'fast']);
  });

  it('an empty list changes nothing', () => {
    expect(allFeaturesArgs(ZOXIDE_LIKE, { excludeFeatures: [] }, true).args).toEqual(['--all-features']);
  });
});

describe('unknownFeatures', () => {
  it('names the features the crate does not define, leaving dep/feature forms to cargo', () => {
    expect(unknownFeatures(LLM, ['llama', 'lama', 'serde/derive', 'gpu', 'Server'])).toEqual(['lama', 'Server']);
    expect(unknownFeatures(LLM, [])).toEqual([]);
  });
});

// oxipng 10.1.1: `[[bin]] oxipng` has required-features = ["binary"]; `default = ["binary", ...]`.
const OXIPNG_LIKE = crateModel({ name: 'oxipng', binaries: ['oxipng'], hasLibrary: true, features: { default: ['binary', 'parallel'], binary: ['dep:clap'], parallel: [] }, binaryRequiredFeatures: { oxipng: ['binary'] } });

describe('binariesSkippedByFeatures', () => {
  it('finds the binary the release features leave out', () => {
    const enabled = enabledFeatures(OXIPNG_LIKE, [], true);
    expect(binariesSkippedByFeatures({ declared: ['oxipng'], requiredFeatures: { oxipng: ['binary'] }, enabled })).toEqual([{ name: 'oxipng', missingFeatures: ['binary'] }]);
    expect(binariesSkippedByFeatures({ declared: ['oxipng'], requiredFeatures: { oxipng: ['binary'] }, enabled: enabledFeatures(OXIPNG_LIKE, [], false) })).toEqual([]);
  });

});
