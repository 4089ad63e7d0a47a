/**
 * gate-cuda: the CUDA build. Falling back to the CPU build on any failure would let real CUDA compile errors pass,
 * so the fallback happens only when the toolkit is absent (nvcc does not answer), and a compile error with the
 * toolkit present is `failed`.
 *
 * What it builds is the release's CUDA variant: the release features plus the CUDA features (with the release's
 * --no-default-features, if any), never the CUDA features alone. Without the toolkit it builds the release features
 * plus the CPU twins of the CUDA features; when that is exactly gate-build's command, it says so and does not build
 * the same thing twice.
 */
import { releaseBuild } from '../../ops/release-build';
import { cpuFallbackFeaturesOf, cudaFeaturesOf, enabledFeatures, featureArgs } from '../../model/feature-sets';
import { checkUndeclaredInputs } from '../shared/undeclared-check';
import { failed, fallback, GateDefinition, GateOutcome, passed, skipped } from '../types';
import type { GateOptions } from '../../model/options';
import type { CrateModel } from '../../model/crate-model';
import type { CargoMessage } from '../../parsers/cargo-messages';
import { gateSpec } from '../../model/catalog';

export type CudaPlan =
  | { mode: 'none' }
  | { mode: 'cuda'; features: string[]; cudaFeatures: string[] }
  | { mode: 'missing-toolkit'; cudaFeatures: string[] }
  /** `sameAsBuild`: the fallback is gate-build's very command (no CPU twin adds anything). */
  | { mode: 'cpu-fallback'; features: string[]; cudaFeatures: string[]; cpuTwins: string[]; sameAsBuild: boolean };

const union = (a: readonly string[], b: readonly string[]) => [...new Set([...a, ...b])];
const sameFeatureSet = (a: ReadonlySet<string>, b: ReadonlySet<string>) => a.size === b.size && [...a].every((f) => b.has(f));

export function planCuda(
  crate: CrateModel,
  options: Pick<GateOptions, 'features' | 'noDefaultFeatures' | 'cudaFeatures' | 'cpuFallbackFeatures' | 'requireCuda'>,
  toolkitPresent: boolean,
): CudaPlan {
  const cudaFeatures = cudaFeaturesOf(crate, options);
  if (cudaFeatures.length === 0) return { mode: 'none' };
  if (toolkitPresent) return { mode: 'cuda', features: union(options.features, cudaFeatures), cudaFeatures };
  if (options.requireCuda) return { mode: 'missing-toolkit', cudaFeatures };
  const cpuTwins = cpuFallbackFeaturesOf(crate, options);
  const features = union(options.features, cpuTwins);
  // Compared by the features cargo ends up enabling, not by the lists: when a twin (`llama`) is already a default
  // feature, `--features llama` is gate-build's build again even though the list grew.
  const sameAsBuild = sameFeatureSet(enabledFeatures(crate, features, options.noDefaultFeatures), enabledFeatures(crate, options.features, options.noDefaultFeatures));
  return { mode: 'cpu-fallback', features, cudaFeatures, cpuTwins, sameAsBuild };
}

const WHERE = 'nvcc not found on PATH, in $CUDA_PATH/bin or in $CUDA_HOME/bin';

/** The verdict once the planned build (if any) ran: `error` is the build's summarized failure, null when it passed. */
export function judgeCuda(plan: CudaPlan, noDefaultFeatures: boolean, toolkitVersion: string | null, error: string | null): GateOutcome {
  if (plan.mode === 'none') return skipped('crate has no CUDA features (set cudaFeatures to name them)', { mode: 'none', checked: 0 });
  if (plan.mode === 'missing-toolkit') {
    return failed(`CUDA toolkit required (requireCuda) but ${WHERE}; install the toolkit or run this gate on a GPU runner`, {
      mode: 'missing-toolkit',
      features: plan.cudaFeatures,
      checked: 0,
    });
  }
  const shown = featureArgs(plan.features, noDefaultFeatures).join(' ') || 'default features';
  if (plan.mode === 'cuda') {
    const details = { mode: 'cuda', features: plan.features, cudaFeatures: plan.cudaFeatures, cudaToolkit: toolkitVersion, checked: 1 };
    if (error) return failed(`CUDA build (${shown}) failed with CUDA ${toolkitVersion}: ${error}`, details);
    return passed(`CUDA build passed with CUDA ${toolkitVersion} (${shown})`, details);
  }
  const details = { mode: 'cpu-fallback', features: plan.features, cudaFeatures: plan.cudaFeatures, cudaToolkit: null, sameAsBuild: plan.sameAsBuild, checked: plan.sameAsBuild ? 0 : 1 };
  if (plan.sameAsBuild) {
    const why = plan.cpuTwins.length
      ? `its CPU twin ${plan.cpuTwins.join(', ')} is on in the release build already`
      : `no CPU twin of ${plan.cudaFeatures.join(', ')} (set cpuFallbackFeatures)`;
    return fallback(`CUDA toolkit absent (${WHERE}); the CPU fallback (${shown}) is gate-build's release build, not built again: ${why}`, details);
  }
  if (error) return failed(`CPU fallback build (${shown}) failed: ${error}`, details);
  return fallback(`CUDA toolkit absent (${WHERE}); CPU fallback build (${shown}) passed`, details);
}

/** Whether the plan runs a release build (and so needs target/release): no CUDA feature, a refusal or gate-build's very build does not. */
export function buildsSomething(plan: CudaPlan): plan is Extract<CudaPlan, { features: string[] }> {
  return plan.mode === 'cuda' || (plan.mode === 'cpu-fallback' && !plan.sameAsBuild);
}

export const cudaGate: GateDefinition = {
  ...gateSpec('cuda'),
  needsTargetDirectory: (context) => buildsSomething(planCuda(context.crate, context.options, context.toolchain.cuda !== null)),
  async run(context) {
    const toolkit = context.toolchain.cuda;
    const plan = planCuda(context.crate, context.options, toolkit !== null);
    let error: string | null = null;
    let messages: CargoMessage[] = [];
    // The executor puts nvcc's folder on PATH for every command when it was found through CUDA_PATH/CUDA_HOME.
    if (buildsSomething(plan)) {
      ({ error, messages } = await releaseBuild(context, plan.features, context.options.noDefaultFeatures, null));
    }
    const judged = judgeCuda(plan, context.options.noDefaultFeatures, toolkit?.version ?? null, error);
    const outcome = toolkit && plan.mode === 'cuda' ? { ...judged, details: { ...judged.details, nvcc: toolkit.nvcc } } : judged;
    return error ? outcome : checkUndeclaredInputs(context, messages, outcome);
  },
  keyFigure: (r) => (r.details.mode === 'none' ? 'no CUDA features' : r.details.sameAsBuild ? 'cpu-fallback (= gate-build)' : String(r.details.mode ?? '')),
};
