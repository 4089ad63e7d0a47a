import { compareVersions, firstVersionLike, isSemver, outputShowsVersion, parseReleaseTag, releaseTagFromEnv } from './release-tag';

describe('isSemver', () => {
  it.each(['1.7.2', '0.0.0', '1.0.0-rc.1', '1.0.0-alpha-1', '1.0.0+build.5', '1.0.0-0.3.7+exp.sha.5114f85'])('accepts %s', (v) => {
    expect(isSemver(v)).toBe(true);
  });
  it.each(['1.7', '01.2.3', '1.2.3.4', '1.2.3-', '1.2.3-01', 'v1.2.3', '1.2.x', ''])('rejects %s', (v) => {
    expect(isSemver(v)).toBe(false);
  });
});

describe('releaseTagFromEnv', () => {
  it('prefers RELEASE_TAG', () => {
    expect(releaseTagFromEnv({ RELEASE_TAG: 'v1.0.0', GITHUB_REF_TYPE: 'tag', GITHUB_REF_NAME: 'v2.0.0' })).toEqual({
      tag: 'v1.0.0',
      source: 'RELEASE_TAG',
      tagPush: false,
    });
  });
  it('uses GITHUB_REF_NAME only on a tag push', () => {
    expect(releaseTagFromEnv({ GITHUB_REF_TYPE: 'tag', GITHUB_REF_NAME: 'v2.0.0' })).toMatchObject({ tag: 'v2.0.0', tagPush: true });
    expect(releaseTagFromEnv({ GITHUB_REF_TYPE: 'branch', GITHUB_REF_NAME: 'main' })).toBeNull();
    expect(releaseTagFromEnv({ RELEASE_TAG: '  ' })).toBeNull();
  });
});

describe('parseReleaseTag', () => {
  it('reads v1.7.2 and <crate>-v1.7.2', () => {
    expect(parseReleaseTag('v1.7.2', 'tool')).toEqual({ kind: 'this-crate', version: '1.7.2', prefixed: false });
    expect(parseReleaseTag('tool-v1.7.2', 'tool')).toEqual({ kind: 'this-crate', version: '1.7.2', prefixed: true });
    expect(parseReleaseTag('v1.0.0-rc.1', 'tool')).toMatchObject({ kind: 'this-crate', version: '1.0.0-rc.1' });
  });
  it('takes the longest crate prefix', () => {
    expect(parseReleaseTag('tool-v2-v1.0.0', 'tool-v2')).toMatchObject({ kind: 'this-crate', version: '1.0.0' });
    expect(parseReleaseTag('my-lib-v0.3.0', 'tool')).toEqual({ kind: 'other-crate', crate: 'my-lib', version: '0.3.0' });
  });
  it('refuses tags that are not semver or not release tags', () => {
    expect(parseReleaseTag('v1.7', 'tool')).toMatchObject({ kind: 'invalid', problem: expect.stringContaining('"1.7" is not a semver version') });
    expect(parseReleaseTag('tool-v1.x', 'tool')).toMatchObject({ kind: 'invalid' });
    expect(parseReleaseTag('release-2024', 'tool')).toMatchObject({ kind: 'invalid', problem: expect.stringContaining('is not a release tag') });
    expect(parseReleaseTag('1.7.2', 'tool')).toMatchObject({ kind: 'invalid' });
  });
});

describe('outputShowsVersion', () => {
  it.each([
    ['tool 1.7.2', true],
    ['tool v1.7.2\n', true],
    ['1.7.2', true],
    ['tool 1.7.20', false],
    ['tool 11.7.2', false],
    ['tool 1.7.2-beta', false],
    ['tool 1.7.2.1', false],
    ['tool 1.7.2, built today', true],
  ])('%j -> %s', (output, expected) => {
    expect(outputShowsVersion(output, '1.7.2')).toBe(expected);
  });
  it('finds the version-like text for reasons', () => {
    expect(firstVersionLike('tool 0.9.1 (abc)')).toBe('0.9.1');
    expect(firstVersionLike('no version')).toBeNull();
  });
});

describe('compareVersions', () => {
  it('orders versions as semver does', () => {
    expect(compareVersions('1.10.0', '1.9.0')).toBeGreaterThan(0);
    expect(compareVersions('1.0.0-rc.1', '1.0.0')).toBeLessThan(0);
    expect(compareVersions('1.0.0-rc.2', '1.0.0-rc.10')).toBeLessThan(0);
    expect(compareVersions('1.0.0+build', '1.0.0')).toBe(0);
  });
});
