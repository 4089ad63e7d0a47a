import type { CrateModel } from '../../model/crate-model';
import { crateModel } from '../../testing/crate-model';
import { blameFeatures, featureBlameNote, featuresWithout, optionalFeaturesOf, parseTestList } from './feature-blame';

function crate(features: Record<string, string[]>): CrateModel {
  return crateModel({ name: 'zox', version: '0.9.8', root: 'zox', binaries: ['zox'], features });
}

/** `nix-dev` switches on tests that spawn shellcheck; `all` switches it on too; `fast` is on by default. */
const ZOX = crate({ default: ['fast'], fast: [], 'nix-dev': [], all: ['nix-dev', 'fast'], mimalloc: ['dep:mimalloc'] });

describe('optionalFeaturesOf', () => {
  it('keeps the features of the run that default features do not switch on', () => {
    expect(optionalFeaturesOf(ZOX, Object.keys(ZOX.features)).sort()).toEqual(['all', 'mimalloc', 'nix-dev']);
  });

  it('is empty when the run is the default build', () => {
    expect(optionalFeaturesOf(ZOX, ['default', 'fast'])).toEqual([]);
  });
});

describe('featuresWithout', () => {
  it('leaves out the feature and every feature that switches it on', () => {
    expect(featuresWithout(ZOX, Object.keys(ZOX.features), 'nix-dev').sort()).toEqual(['default', 'fast', 'mimalloc']);
  });
});

describe('parseTestList', () => {
  it('reads test and bench lines of every binary, doc tests included, and nothing else', () => {
    const out = [
      'shell::tests::bash_bash_1: test',
      'db::tests::add: test',
      '',
      '2 tests, 0 benchmarks',
      'bench_open: bench',
      'src/lib.rs - Db::open (line 12): test',
      'warning: something: test of nothing',
    ].join('\n');
    expect([...parseTestList(out)].sort()).toEqual(['bench_open', 'db::tests::add', 'shell::tests::bash_bash_1', 'src/lib.rs - Db::open (line 12)']);
  });
});

describe('blameFeatures', () => {
  const failed = ['shell::tests::bash_1', 'shell::tests::fish_2', 'db::tests::add'];

  it('names the feature whose absence removes the failing tests, most failures first', () => {
    const listings = [
      { feature: 'all', listed: new Set(failed) },
      { feature: 'nix-dev', listed: new Set(['db::tests::add']) },
      { feature: 'mimalloc', listed: new Set(['shell::tests::bash_1', 'shell::tests::fish_2']) },
    ];
    expect(blameFeatures(failed, listings)).toEqual([
      { feature: 'nix-dev', failures: 2 },
      { feature: 'mimalloc', failures: 1 },
    ]);
  });

  it('blames nothing when every failing test is there without each feature', () => {
    expect(blameFeatures(failed, [{ feature: 'nix-dev', listed: new Set(failed) }])).toEqual([]);
  });
});

describe('featureBlameNote', () => {
  it('says every failure needs the feature, with the excludeFeatures fix', () => {
    expect(featureBlameNote([{ feature: 'nix-dev', failures: 387 }], 387)).toBe(
      'every failure needs feature nix-dev (excludeFeatures = ["nix-dev"] leaves it out)',
    );
  });

  it('says how many when only some need it', () => {
    expect(featureBlameNote([{ feature: 'nix-dev', failures: 2 }], 3)).toMatch(/^2 of the failures need feature nix-dev/);
  });

  it('is empty without blame', () => {
    expect(featureBlameNote([], 3)).toBe('');
  });
});
