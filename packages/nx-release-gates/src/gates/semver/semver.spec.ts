import { compareVersions, judgeSemver, parseSemverFailures, previousPublished, previousReleaseTag, SemverFacts, semverFeatureArgs } from './semver';

const REPORT = `     Parsing nrg-api v0.2.0 (current)
    Checking nrg-api v0.1.0 -> v0.2.0 (minor change)
     Checked [   0.010s] 152 checks: 151 pass, 1 fail, 0 warn, 0 skip

--- failure function_missing: pub fn removed or renamed ---

Description:
A publicly-visible function cannot be imported by its prior path.
        ref: https://doc.rust-lang.org/cargo/reference/semver.html#item-remove

Failed in:
  function nrg_api::gone, previously in file /tmp/x/src/lib.rs:4

     Summary semver requires new major version: 1 major and 0 minor checks failed
`;

const facts = (overrides: Partial<SemverFacts> = {}): SemverFacts => ({
  enabled: true,
  hasLibrary: true,
  features: [],
  unknownFeatures: [],
  toolInstalled: true,
  baseline: { kind: 'tag', tag: 'v0.1.0', version: '0.1.0' },
  registryProblem: null,
  check: { exitCode: 0, output: '     Checked [   0.010s] 152 checks: 152 pass, 0 skip\n' },
  version: '0.2.0',
  ...overrides,
});

describe('baselines', () => {
  it('orders versions as semver does', () => {
    expect(compareVersions('1.10.0', '1.9.0')).toBeGreaterThan(0);
    expect(compareVersions('1.0.0-rc.1', '1.0.0')).toBeLessThan(0);
    expect(compareVersions('1.0.0-rc.2', '1.0.0-rc.10')).toBeLessThan(0);
    expect(compareVersions('1.0.0+build', '1.0.0')).toBe(0);
  });

  it('takes the newest earlier release tag of this crate, bare or crate-prefixed', () => {
    const tags = ['v0.1.0', 'v0.3.0', 'tool-v0.2.0', 'other-v0.2.5', 'v0.2.0-rc.1', 'nightly'];
    expect(previousReleaseTag(tags, 'tool', '0.3.0')).toEqual({ tag: 'tool-v0.2.0', version: '0.2.0' });
    expect(previousReleaseTag(tags, 'tool', '0.1.0')).toBeNull();
  });

  it('takes the newest earlier crates.io version that is not yanked', () => {
    const answer = { versions: [{ version: '0.1.0', checksum: '', yanked: false }, { version: '0.1.5', checksum: '', yanked: true }, { version: '0.3.0', checksum: '', yanked: false }] };
    expect(previousPublished(answer, '0.2.0')).toBe('0.1.0');
    expect(previousPublished({ notFound: true }, '0.2.0')).toBeNull();
  });
});

describe('parseSemverFailures', () => {
  it('reads each failed lint and the items it names', () => {
    expect(parseSemverFailures(REPORT)).toEqual([{ lint: 'function_missing', summary: 'pub fn removed or renamed', items: ['function nrg_api::gone'] }]);
  });
});

describe('judgeSemver', () => {
  it('passes a compatible API and counts the checks', () => {
    const outcome = judgeSemver(facts());
    expect(outcome.status).toBe('passed');
    expect(outcome.details?.checked).toBe(152);
  });

  it('does not pass when cargo-semver-checks ran no check (a major bump skips them all)', () => {
    const output = '     Checking hexyl v0.16.0 -> v0.17.0 (major change)\n     Checked [   0.020s] 0 checks: 0 pass, 260 skip\n     Summary no semver update required\n';
    const outcome = judgeSemver(facts({ check: { exitCode: 0, output } }));
    expect(outcome.status).toBe('skipped');
    expect(outcome.reason).toMatch(/ran no check: .* is a major change/);
  });

  it('fails a breaking change, naming the item and the baseline', () => {
    const outcome = judgeSemver(facts({ check: { exitCode: 1, output: REPORT } }));
    expect(outcome.status).toBe('failed');
    expect(outcome.reason).toContain('function_missing (function nrg_api::gone)');
    expect(outcome.reason).toContain('release tag v0.1.0');
  });

  it('fails with the install command when the tool is missing, unless semver is off', () => {
    expect(judgeSemver(facts({ toolInstalled: false })).reason).toContain('cargo install --locked cargo-semver-checks@0.51.0');
    expect(judgeSemver(facts({ toolInstalled: false, enabled: false })).status).toBe('skipped');
  });

  it('skips a first release, and says so when crates.io could not be asked', () => {
    expect(judgeSemver(facts({ baseline: null })).reason).toContain('first release');
    expect(judgeSemver(facts({ baseline: null, registryProblem: 'no answer' })).details).toMatchObject({ registryUnreachable: true });
  });

  it('fails on semverFeatures the crate does not define', () => {
    expect(judgeSemver(facts({ unknownFeatures: ['nope'] })).status).toBe('failed');
  });

  it('compares exactly the release features', () => {
    expect(semverFeatureArgs([], false)).toEqual(['--default-features']);
    expect(semverFeatureArgs(['a', 'b'], true)).toEqual(['--only-explicit-features', '--features', 'a', '--features', 'b']);
  });
});
