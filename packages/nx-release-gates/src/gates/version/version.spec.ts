import type { GateResult } from '../../report/result';
import type { PublishedVersionVerdict } from '../../ops/published-version';
import { judgeVersion, VersionFacts, VersionVerdict } from './version';

const HEAD = 'a'.repeat(40);
const OTHER = 'b'.repeat(40);
const facts = (overrides: Partial<VersionFacts> = {}): VersionFacts => ({
  crate: { name: 'tool', version: '1.2.0', manifestPath: 'crates/tool/Cargo.toml', binaries: ['tool'], publish: false },
  releaseTag: null,
  versionCommand: [],
  ...overrides,
});
const tag = (name: string, tagPush = false): VersionFacts['releaseTag'] => ({ tag: name, source: tagPush ? 'GITHUB_REF_NAME (tag push)' : 'RELEASE_TAG', tagPush });
const outcomeOf = (verdict: VersionVerdict) => {
  if (!('outcome' in verdict)) throw new Error(`expected a verdict, got a request for ${verdict.next}`);
  return verdict.outcome;
};
const built = (status: GateResult['status'], found = true): VersionFacts['built'] => ({ build: { result: { status, reason: 'r' } as GateResult }, binFolder: 'dist/release-gates/tool/bin', found });
const registry = (kind: PublishedVersionVerdict['kind'], sentence = `registry says ${kind}`): PublishedVersionVerdict => ({ kind, sentence });

describe('judgeVersion', () => {
  it('passes a semver version without a tag, saying how to check one', () => {
    const outcome = outcomeOf(judgeVersion(facts()));
    expect(outcome).toEqual({ status: 'passed', reason: 'version 1.2.0 is semver (no release tag given: set RELEASE_TAG to check one)', details: { version: '1.2.0', tag: null, checked: 1 } });
  });

  it('fails a version that is not semver', () => {
    expect(outcomeOf(judgeVersion(facts({ crate: { ...facts().crate, version: '1.2' } }))).reason).toBe('crate version "1.2" is not semver (MAJOR.MINOR.PATCH); fix version in crates/tool/Cargo.toml');
  });

  it('judges the release tag: invalid, another crate\'s, another version', () => {
    expect(outcomeOf(judgeVersion(facts({ releaseTag: tag('release-1') }))).status).toBe('failed');
    expect(outcomeOf(judgeVersion(facts({ releaseTag: tag('other-v1.2.0') })))).toMatchObject({ status: 'skipped', details: { tagCrate: 'other' } });
    expect(outcomeOf(judgeVersion(facts({ releaseTag: tag('v1.3.0') }))).reason).toMatch(/^release tag v1\.3\.0 \(from RELEASE_TAG\) is version 1\.3\.0, but crates\/tool\/Cargo\.toml has 1\.2\.0/);
  });

  it('asks where a matching tag points, then judges it: taken before a release, elsewhere on a tag push', () => {
    expect(judgeVersion(facts({ releaseTag: tag('v1.2.0') }))).toEqual({ next: 'tag' });
    expect(outcomeOf(judgeVersion(facts({ releaseTag: tag('v1.2.0'), tag: { problem: 'no git repository' } }))).reason).toBe('cannot check whether tag v1.2.0 exists: no git repository');
    expect(outcomeOf(judgeVersion(facts({ releaseTag: tag('v1.2.0'), tag: { commit: null, head: HEAD } }))).reason).toBe('version 1.2.0 is semver; tag v1.2.0 matches and is not taken yet');
    expect(outcomeOf(judgeVersion(facts({ releaseTag: tag('v1.2.0'), tag: { commit: HEAD, head: HEAD } }))).reason).toMatch(/^tag v1\.2\.0 already exists locally \(commit a{12}\)/);
    expect(outcomeOf(judgeVersion(facts({ releaseTag: tag('v1.2.0', true), tag: { commit: OTHER, head: HEAD } }))).reason).toMatch(/^tag v1\.2\.0 points at b{12}, but the checkout is a{12}/);
    const pushed = outcomeOf(judgeVersion(facts({ releaseTag: tag('tool-v1.2.0', true), tag: { commit: HEAD, head: HEAD } })));
    expect(pushed).toMatchObject({ status: 'passed', details: { tagExists: true, tagVersion: '1.2.0', checked: 2 } });
  });

  it('runs versionCommand only on a binary gate-build built in this run', () => {
    const withCommand = (overrides: Partial<VersionFacts>) => judgeVersion(facts({ versionCommand: ['--version'], ...overrides }));
    expect(outcomeOf(withCommand({ crate: { ...facts().crate, binaries: ['a', 'b'] } })).reason).toMatch(/has several binaries \(a, b\) and none is named tool; remove versionCommand/);
    expect(withCommand({})).toEqual({ next: 'built' });
    expect(outcomeOf(withCommand({ built: { build: { problem: 'its result was not written by this run' }, binFolder: 'bin', found: true } })).reason).toBe('versionCommand needs the binary gate-build builds: its result was not written by this run');
    expect(outcomeOf(withCommand({ built: built('skipped') })).reason).toMatch(/gate-build did not pass in this run \(skipped\)$/);
    expect(outcomeOf(withCommand({ built: built('passed', false) })).reason).toMatch(/^binary tool missing from dist\/release-gates\/tool\/bin/);
    expect(withCommand({ built: built('passed') })).toEqual({ next: 'versionOutput' });
  });

  it('judges what the binary printed', () => {
    const ran = (versionOutput: VersionFacts['versionOutput']) => outcomeOf(judgeVersion(facts({ versionCommand: ['--version'], built: built('passed'), versionOutput })));
    expect(ran({ timedOut: false, exitCode: 0, output: 'tool 1.2.0' })).toMatchObject({ status: 'passed', reason: 'version 1.2.0 is semver; `tool --version` prints it (no release tag given: set RELEASE_TAG to check one)', details: { binary: 'tool', binaryOutput: 'tool 1.2.0' } });
    expect(ran({ timedOut: true, exitCode: 143, output: '' }).reason).toBe('`tool --version` did not finish within 60 s; check versionCommand');
    expect(ran({ timedOut: false, exitCode: 2, output: 'error: unknown flag' }).reason).toBe('`tool --version` exited with code 2: error: unknown flag');
    expect(ran({ timedOut: false, exitCode: 0, output: 'tool 1.1.9' }).reason).toMatch(/^`tool --version` prints version 1\.1\.9, not 1\.2\.0/);
  });

  it('feeds in the registry\'s verdict for a published crate', () => {
    const published = (overrides: Partial<VersionFacts>) => judgeVersion(facts({ crate: { ...facts().crate, publish: true }, ...overrides }));
    expect(published({})).toEqual({ next: 'registry' });
    expect(outcomeOf(published({ registry: registry('new') })).reason).toBe('version 1.2.0 is semver; tool@1.2.0 is not published yet (no release tag given: set RELEASE_TAG to check one)');
    expect(outcomeOf(published({ registry: registry('resumed', 'resumed sentence') })).reason).toMatch(/; resumed sentence/);
    expect(outcomeOf(published({ registry: registry('taken', 'taken sentence') }))).toMatchObject({ status: 'failed', reason: 'taken sentence', details: { registry: 'taken', checked: 2 } });
    expect(outcomeOf(published({ registry: registry('unknown', 'index unreachable') }))).toMatchObject({ status: 'skipped', reason: 'version 1.2.0 checked locally, but index unreachable', details: { checked: 1 } });
  });
});
