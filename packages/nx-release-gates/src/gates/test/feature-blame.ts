/**
 * Which optional feature the failing tests need. gate-test runs with all features; when a feature switches on tests
 * that need a tool the machine lacks (a `nix-dev` feature whose tests all run shellcheck), every failure sits behind
 * that one feature, and the maintainer's fix is to leave it out (excludeFeatures) or install the tool. This finds
 * it the way a maintainer would by hand: list the tests (`cargo test -- --list`) with one non-default feature left
 * out at a time; a failing test that disappears needs that feature. Only run after tests failed, at most
 * MAX_FEATURE_PROBES listings. The listing is libtest's, also under nextest: nextest runs the same test binaries and
 * names a test the same way (`module::test`).
 */
import type { CrateModel } from '../../model/crate-model';
import { enabledFeatures, featuresEnabling } from '../../model/feature-sets';

/** Each listing builds the test binaries with another feature set: bounded, so a crate with many features stays fast. */
export const MAX_FEATURE_PROBES = 3;

/** How many of the failing tests need `feature` (they are not there when it is left out). */
export interface FeatureBlame {
  feature: string;
  failures: number;
}

/**
 * The features of the run's set that default features do not switch on: the ones whose tests a default build never
 * sees. The implicit feature of an optional dependency counts like any other.
 */
export function optionalFeaturesOf(crate: CrateModel, runFeatures: readonly string[]): string[] {
  const byDefault = enabledFeatures(crate, [], false);
  return runFeatures.filter((f) => f !== 'default' && !byDefault.has(f));
}

/** The run's features without `feature` and without every feature that switches it on. */
export function featuresWithout(crate: CrateModel, runFeatures: readonly string[], feature: string): string[] {
  const needing = new Set(featuresEnabling(crate, [feature]));
  return runFeatures.filter((f) => !needing.has(f));
}

/** Test names from libtest's `--list` (`name: test`, `name: bench`), every test binary's lines together. */
export function parseTestList(stdout: string): Set<string> {
  const names = new Set<string>();
  for (const line of stdout.split('\n')) {
    const m = /^(.+): (?:test|bench)$/.exec(line.trimEnd());
    if (m) names.add(m[1]);
  }
  return names;
}

/**
 * For each probed feature, how many failing tests were missing from the listing made without it. Features that
 * explain no failure are left out; the one explaining most comes first.
 */
export function blameFeatures(failedTests: readonly string[], listings: ReadonlyArray<{ feature: string; listed: ReadonlySet<string> }>): FeatureBlame[] {
  return listings
    .map(({ feature, listed }) => ({ feature, failures: failedTests.filter((name) => !listed.has(name)).length }))
    .filter((b) => b.failures > 0)
    .sort((a, b) => b.failures - a.failures);
}

/** The part of gate-test's reason that names the feature, with the fix; empty when no feature explains a failure. */
export function featureBlameNote(blame: readonly FeatureBlame[], failedCount: number): string {
  const top = blame[0];
  if (!top) return '';
  const fix = `excludeFeatures = ["${top.feature}"] leaves it out`;
  if (top.failures >= failedCount) return `every failure needs feature ${top.feature} (${fix})`;
  return `${top.failures} of the failures need feature ${top.feature} (${fix})`;
}
