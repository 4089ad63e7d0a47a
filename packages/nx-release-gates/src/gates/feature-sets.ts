/**
 * Which features each cargo call gets. The original process switched features per gate by hand; here the sets are
 * derived from the crate's features and the options, in one place.
 */
import type { CrateModel } from '../cargo/crate-model';
import type { GateOptions } from '../options/resolve';

const CUDA_WORD = /(^|[-_])cuda([-_]|$)/i;

export function cudaFeaturesOf(crate: CrateModel, options: Pick<GateOptions, 'cudaFeatures'>): string[] {
  return options.cudaFeatures ?? Object.keys(crate.features).filter((f) => CUDA_WORD.test(f));
}

/** `llama-cuda` -> `llama` when the crate has `llama`; a bare `cuda` feature has no CPU twin. */
export function cpuFallbackFeaturesOf(crate: CrateModel, options: Pick<GateOptions, 'cudaFeatures' | 'cpuFallbackFeatures'>): string[] {
  if (options.cpuFallbackFeatures) return options.cpuFallbackFeatures;
  const twins = cudaFeaturesOf(crate, options)
    .map((f) => f.replace(CUDA_WORD, (_m, before: string, after: string) => (before && after ? before : '')))
    .filter((f) => f !== '' && f in crate.features);
  return [...new Set(twins)];
}

/** Features that are, or switch on (through other features), a CUDA feature. */
export function featuresNeedingCuda(crate: CrateModel, cudaFeatures: string[]): string[] {
  const needs = new Map<string, boolean>();
  const visit = (feature: string, seen: Set<string>): boolean => {
    if (cudaFeatures.includes(feature)) return true;
    if (needs.has(feature)) return needs.get(feature)!;
    if (seen.has(feature)) return false;
    seen.add(feature);
    const enabled = (crate.features[feature] ?? []).some((value) => !value.includes(':') && !value.includes('/') && visit(value, seen));
    // Only `true` is final: a `false` met inside a feature cycle may still reach CUDA through the cycle's start.
    if (enabled) needs.set(feature, true);
    return enabled;
  };
  return Object.keys(crate.features).filter((f) => visit(f, new Set()));
}

/** Arguments selecting `features`, with --no-default-features when asked. */
export function featureArgs(features: string[], noDefaultFeatures: boolean): string[] {
  return [...(noDefaultFeatures ? ['--no-default-features'] : []), ...(features.length ? ['--features', features.join(',')] : [])];
}

export interface AllFeatures {
  args: string[];
  /** Features left out because they need CUDA and the toolkit is absent. */
  excluded: string[];
}

/** "All features", as gate-test and gate-doc use them: --all-features, minus CUDA when nvcc is absent. */
export function allFeaturesArgs(crate: CrateModel, options: Pick<GateOptions, 'cudaFeatures'>, cudaAvailable: boolean): AllFeatures {
  const cuda = cudaFeaturesOf(crate, options);
  if (cudaAvailable || cuda.length === 0) return { args: ['--all-features'], excluded: [] };
  const excluded = featuresNeedingCuda(crate, cuda);
  const kept = Object.keys(crate.features).filter((f) => !excluded.includes(f));
  return { args: kept.length ? ['--features', kept.join(',')] : [], excluded };
}

/** Features named in options that the crate does not define (`dep/feature` forms are left to cargo). */
export function unknownFeatures(crate: CrateModel, features: string[]): string[] {
  return features.filter((f) => !f.includes('/') && !(f in crate.features));
}
