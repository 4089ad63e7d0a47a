import { findGate } from './index';

/**
 * Gates that write and read the same files of a shared target directory take turns (run-gate.ts locks each part a
 * gate lists for its whole run). Each pair below clashes when both run at once.
 */
describe('target directory parts gates take turns over', () => {
  const parts = (gate: string) => findGate(`gate-${gate}`)?.targetDirectoryParts ?? [];

  it("gate-test and gate-publish: publish's verify build writes target/debug/<bin>, which integration tests run", () => {
    // The verify build rewrites the binary with other features while integration tests spawn it: those tests fail.
    expect(parts('test')).toContain('debug');
    expect(parts('publish')).toContain('debug');
  });

  it('gate-build and gate-cuda: both release builds write target/release/<bin> before copying it', () => {
    expect(parts('build')).toContain('release');
    expect(parts('cuda')).toContain('release');
  });

  it('gate-package and gate-publish: both rewrite target/package/<crate>-<version>.crate', () => {
    expect(parts('package')).toContain('package');
    expect(parts('publish')).toContain('package');
  });
});
