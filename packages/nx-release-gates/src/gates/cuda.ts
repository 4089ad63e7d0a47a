/**
 * gate-cuda: the CUDA build (gate 2 of the original process), without its defect. The original fell back to the CPU
 * build on *any* failure and discarded stderr, so real CUDA compile errors passed. Here the fallback happens only
 * when the toolkit is absent (nvcc does not answer), and a compile error with the toolkit present is `failed`.
 */
import { releaseBuild } from './build';
import { cpuFallbackFeaturesOf, cudaFeaturesOf } from './feature-sets';
import { failed, GateDefinition, passed, skipped } from './types';

export const cudaGate: GateDefinition = {
  name: 'cuda',
  cacheable: true,
  // In a shared target directory gate-cuda waits for gate-build: both release builds write target/release/<bin>, and
  // gate-cuda's could replace the file between gate-build's cargo exiting and its copy (cargo's lock serializes them
  // there anyway, so the wait costs nothing; per-gate directories keep them apart).
  optionalDependsOn: (options) => (options.targetDirectory !== 'per-gate' ? ['build'] : []),
  description:
    'CUDA build with the CUDA features when nvcc is present (a compile error fails); without the toolkit, the CPU fallback build, reported as `fallback`.',
  async run(context) {
    const cudaFeatures = cudaFeaturesOf(context.crate, context.options);
    if (cudaFeatures.length === 0) {
      return skipped('crate has no CUDA features (set cudaFeatures to name them)', { mode: 'none', checked: 0 });
    }
    const toolkit = context.toolchain.cuda;
    const noDefault = context.options.noDefaultFeatures;
    if (toolkit) {
      // The executor puts nvcc's folder on PATH for every command when it was found through CUDA_PATH/CUDA_HOME.
      const { error } = await releaseBuild(context, cudaFeatures, noDefault, null);
      const details = { mode: 'cuda', features: cudaFeatures, cudaToolkit: toolkit.version, nvcc: toolkit.nvcc };
      if (error) return failed(`CUDA build failed with CUDA ${toolkit.version}: ${error}`, details);
      return passed(`CUDA build passed with CUDA ${toolkit.version} (--features ${cudaFeatures.join(',')})`, details);
    }
    const where = 'nvcc not found on PATH, in $CUDA_PATH/bin or in $CUDA_HOME/bin';
    if (context.options.requireCuda) {
      return failed(`CUDA toolkit required (requireCuda) but ${where}; install the toolkit or run this gate on a GPU runner`, {
        mode: 'missing-toolkit',
        features: cudaFeatures,
      });
    }
    const fallback = cpuFallbackFeaturesOf(context.crate, context.options);
    const { error } = await releaseBuild(context, fallback, noDefault, null);
    const details = { mode: 'cpu-fallback', features: fallback, cudaFeatures, cudaToolkit: null };
    const shown = fallback.length ? `--features ${fallback.join(',')}` : 'default features';
    if (error) return failed(`CPU fallback build (${shown}) failed: ${error}`, details);
    return { status: 'fallback', reason: `CUDA toolkit absent (${where}); CPU fallback build (${shown}) passed`, details };
  },
  keyFigure: (r) => (r.details.mode === 'none' ? 'no CUDA features' : String(r.details.mode ?? '')),
};
