/**
 * Which features each cargo call gets, derived from the crate's features and the options in one place, so no two
 * gates can disagree about a crate's feature set.
 */
import type { CrateModel } from './crate-model';
import type { GateOptions } from './options';

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

/** Features that are one of `targets`, or switch one on through other features. */
export function featuresEnabling(crate: CrateModel, targets: readonly string[]): string[] {
  const needs = new Map<string, boolean>();
  const visit = (feature: string, seen: Set<string>): boolean => {
    if (targets.includes(feature)) return true;
    if (needs.has(feature)) return needs.get(feature)!;
    if (seen.has(feature)) return false;
    seen.add(feature);
    const enabled = (crate.features[feature] ?? []).some((value) => !value.includes(':') && !value.includes('/') && visit(value, seen));
    // Only `true` is final: a `false` met inside a feature cycle may still reach a target through the cycle's start.
    if (enabled) needs.set(feature, true);
    return enabled;
  };
  return Object.keys(crate.features).filter((f) => visit(f, new Set()));
}

/** Features that are, or switch on (through other features), a CUDA feature. */
export function featuresNeedingCuda(crate: CrateModel, cudaFeatures: string[]): string[] {
  return featuresEnabling(crate, cudaFeatures);
}

/**
 * Every feature of the crate that `features` (plus `default` unless noDefaultFeatures) switch on, following the
 * [features] table: `a = ["b"]` enables b, `dep/feat` and `dep?/feat` enable the implicit feature `dep` when there is
 * one (`?` only when already on, which this leaves out), `dep:x` enables no feature.
 */
export function enabledFeatures(crate: CrateModel, features: readonly string[], noDefaultFeatures: boolean): Set<string> {
  const enabled = new Set<string>();
  const visit = (feature: string) => {
    if (enabled.has(feature) || !(feature in crate.features)) return;
    enabled.add(feature);
    for (const value of crate.features[feature] ?? []) {
      if (value.startsWith('dep:') || /^[^/]+\?\//.test(value)) continue;
      visit(value.split('/')[0]);
    }
  };
  for (const feature of [...features, ...(noDefaultFeatures ? [] : ['default'])]) visit(feature.split('/')[0]);
  return enabled;
}

/** Declared binaries the build did not produce because their required-features are off, with the missing features. */
export function binariesSkippedByFeatures(facts: {
  declared: readonly string[];
  requiredFeatures: Readonly<Record<string, readonly string[]>>;
  enabled: ReadonlySet<string>;
}): Array<{ name: string; missingFeatures: string[] }> {
  return facts.declared
    .map((name) => ({ name, missingFeatures: (facts.requiredFeatures[name] ?? []).filter((f) => !facts.enabled.has(f.split('/')[0])) }))
    .filter((b) => b.missingFeatures.length > 0);
}

/** Arguments selecting `features`, with --no-default-features when asked. */
export function featureArgs(features: string[], noDefaultFeatures: boolean): string[] {
  return [...(noDefaultFeatures ? ['--no-default-features'] : []), ...(features.length ? ['--features', features.join(',')] : [])];
}

export interface AllFeatures {
  args: string[];
  /** The features the arguments switch on (every feature of the crate for --all-features). */
  features: string[];
  /** Features left out because they need CUDA and the toolkit is absent. */
  excluded: string[];
  /** Features left out because excludeFeatures names them or they switch such a feature on. */
  excludedByOption: string[];
}

/**
 * "All features", as gate-test and gate-doc use them: --all-features, minus the features excludeFeatures names and
 * minus CUDA when nvcc is absent (each with the features that switch them on).
 */
export function allFeaturesArgs(
  crate: CrateModel,
  options: Pick<GateOptions, 'cudaFeatures'> & Partial<Pick<GateOptions, 'excludeFeatures'>>,
  cudaAvailable: boolean,
): AllFeatures {
  const cuda = cudaAvailable ? [] : cudaFeaturesOf(crate, options);
  const excluded = cuda.length ? featuresNeedingCuda(crate, cuda) : [];
  const byOption = options.excludeFeatures?.length ? featuresEnabling(crate, options.excludeFeatures).filter((f) => !excluded.includes(f)) : [];
  if (excluded.length === 0 && byOption.length === 0) return { args: ['--all-features'], features: Object.keys(crate.features), excluded, excludedByOption: byOption };
  const kept = Object.keys(crate.features).filter((f) => !excluded.includes(f) && !byOption.includes(f));
  return { args: kept.length ? ['--features', kept.join(',')] : [], features: kept, excluded, excludedByOption: byOption };
}

/** Features named in options that the crate does not define (`dep/feature` forms are left to cargo). */
export function unknownFeatures(crate: CrateModel, features: string[]): string[] {
  return features.filter((f) => !f.includes('/') && !(f in crate.features));
}
