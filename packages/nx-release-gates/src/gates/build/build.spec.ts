import { crateModel } from '../../testing/crate-model';
import { judgeBuild } from './build';
import { enabledFeatures } from '../../model/feature-sets';

// oxipng 10.1.1: `[[bin]] oxipng` has required-features = ["binary"]; `default = ["binary", ...]`.
const OXIPNG_LIKE = crateModel({ name: 'oxipng', binaries: ['oxipng'], hasLibrary: true, features: { default: ['binary', 'parallel'], binary: ['dep:clap'], parallel: [] }, binaryRequiredFeatures: { oxipng: ['binary'] } });

describe('required-features', () => {
  it('explains "library only" in gate-build\'s reason', () => {
    const outcome = judgeBuild(
      { error: null, binaries: [], declared: ['oxipng'], requiredFeatures: { oxipng: ['binary'] }, enabled: enabledFeatures(OXIPNG_LIKE, [], true), builtTargets: 1 },
      { features: [], noDefaultFeatures: true },
    );
    expect(outcome.status).toBe('passed');
    expect(outcome.reason).toBe('release build passed (library only); binary oxipng not built: it has required-features = ["binary"], which the release features do not enable (add them to features)');
    expect(outcome.details).toMatchObject({ checked: 1, skippedBinaries: [{ name: 'oxipng', missingFeatures: ['binary'] }] });
  });
});

describe('enabledFeatures', () => {
  it('follows features, dep/feature forms and default', () => {
    const crate = crateModel({ features: { default: ['a'], a: ['b', 'serde/derive', 'dep:x', 'y?/z'], b: [], serde: ['dep:serde'], y: [] } });
    expect([...enabledFeatures(crate, [], false)].sort()).toEqual(['a', 'b', 'default', 'serde']);
    expect([...enabledFeatures(crate, ['b'], true)]).toEqual(['b']);
  });
});
