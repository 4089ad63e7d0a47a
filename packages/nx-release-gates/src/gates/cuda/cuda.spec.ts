import { crateModel } from '../../testing/crate-model';
import { buildsSomething, judgeCuda, planCuda } from './cuda';

const SHIMMY_LIKE = crateModel({ features: { default: [], huggingface: [], llama: [], 'llama-cuda': ['llama'], cuda: [] } });
const options = { features: ['huggingface'], noDefaultFeatures: true, requireCuda: false };

describe('planCuda', () => {
  it('builds the release features plus the CUDA features with the toolkit', () => {
    expect(planCuda(SHIMMY_LIKE, options, true)).toEqual({ mode: 'cuda', features: ['huggingface', 'llama-cuda', 'cuda'], cudaFeatures: ['llama-cuda', 'cuda'] });
  });

  it('builds the release features plus the CPU twins without it', () => {
    expect(planCuda(SHIMMY_LIKE, options, false)).toEqual({ mode: 'cpu-fallback', features: ['huggingface', 'llama'], cudaFeatures: ['llama-cuda', 'cuda'], cpuTwins: ['llama'], sameAsBuild: false });
  });

  it("knows when the fallback is gate-build's very command", () => {
    const bare = crateModel({ features: { cuda: [] } });
    expect(planCuda(bare, { ...options, features: [] }, false)).toMatchObject({ mode: 'cpu-fallback', features: [], sameAsBuild: true });
    expect(planCuda(SHIMMY_LIKE, { ...options, features: ['llama'] }, false)).toMatchObject({ sameAsBuild: true });
  });

  it('compares the features cargo enables: a twin the default features already switch on adds nothing', () => {
    // A CPU twin among the defaults: default = ["huggingface", "llama"], llama-cuda = ["llama", "shimmy-llama-cpp-2/cuda"], release features left at default.
    const shimmy = crateModel({ features: { default: ['huggingface', 'llama'], huggingface: [], llama: ['dep:shimmy-llama-cpp-2'], 'llama-cuda': ['llama', 'shimmy-llama-cpp-2/cuda'] } });
    const defaults = { features: [], noDefaultFeatures: false, requireCuda: false };
    expect(planCuda(shimmy, defaults, false)).toMatchObject({ mode: 'cpu-fallback', features: ['llama'], sameAsBuild: true });
    expect(planCuda(shimmy, { ...defaults, noDefaultFeatures: true }, false)).toMatchObject({ features: ['llama'], sameAsBuild: false });
    const plan = planCuda(shimmy, defaults, false);
    expect(judgeCuda(plan, false, null, null).reason).toMatch(/not built again: its CPU twin llama is on in the release build already$/);
    expect(planCuda(shimmy, defaults, true)).toEqual({ mode: 'cuda', features: ['llama-cuda'], cudaFeatures: ['llama-cuda'] });
  });

  it('has nothing to do without CUDA features, and fails closed with requireCuda', () => {
    expect(planCuda(crateModel(), options, false)).toEqual({ mode: 'none' });
    expect(planCuda(SHIMMY_LIKE, { ...options, requireCuda: true }, false)).toMatchObject({ mode: 'missing-toolkit' });
  });
});

describe('buildsSomething (whether gate-cuda needs target/release)', () => {
  it('is true only for a CUDA build or a fallback that differs from gate-build', () => {
    expect(buildsSomething(planCuda(SHIMMY_LIKE, options, true))).toBe(true);
    expect(buildsSomething(planCuda(SHIMMY_LIKE, options, false))).toBe(true);
    expect(buildsSomething(planCuda(crateModel(), options, true))).toBe(false);
    expect(buildsSomething(planCuda(SHIMMY_LIKE, { ...options, requireCuda: true }, false))).toBe(false);
    expect(buildsSomething(planCuda(crateModel({ features: { cuda: [] } }), { ...options, features: [] }, false))).toBe(false);
  });
});

describe('judgeCuda', () => {
  it('reports a duplicate fallback without claiming a build', () => {
    const outcome = judgeCuda({ mode: 'cpu-fallback', features: [], cudaFeatures: ['cuda'], cpuTwins: [], sameAsBuild: true }, false, null, null);
    expect(outcome.status).toBe('fallback');
    expect(outcome.reason).toContain("is gate-build's release build, not built again");
    expect(outcome.details).toMatchObject({ sameAsBuild: true, checked: 0 });
  });

  it('shows the exact feature arguments it built', () => {
    const outcome = judgeCuda({ mode: 'cuda', features: ['huggingface', 'cuda'], cudaFeatures: ['cuda'] }, true, '12.4', null);
    expect(outcome).toMatchObject({ status: 'passed', reason: 'CUDA build passed with CUDA 12.4 (--no-default-features --features huggingface,cuda)', details: { checked: 1 } });
    expect(judgeCuda({ mode: 'cuda', features: ['cuda'], cudaFeatures: ['cuda'] }, false, '12.4', 'nvcc fatal').status).toBe('failed');
  });
});
