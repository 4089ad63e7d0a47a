import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { GateContext } from '../types';
import type { CommandResult } from '../../ops/process';
import { crateModel } from '../../testing/crate-model';
import { judgeSemver, parseSemverFailures, previousReleaseTag, SemverFacts, semverFeatureArgs, semverGate } from './semver';

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
  index: 'https://index.crates.io/',
  registryProblem: null,
  check: { exitCode: 0, output: '     Checked [   0.010s] 152 checks: 152 pass, 0 skip\n' },
  version: '0.2.0',
  ...overrides,
});

describe('baselines', () => {
  it('takes the newest earlier release tag of this crate, bare or crate-prefixed', () => {
    const tags = ['v0.1.0', 'v0.3.0', 'tool-v0.2.0', 'other-v0.2.5', 'v0.2.0-rc.1', 'nightly'];
    expect(previousReleaseTag(tags, 'tool', '0.3.0')).toEqual({ tag: 'tool-v0.2.0', version: '0.2.0' });
    expect(previousReleaseTag(tags, 'tool', '0.1.0')).toBeNull();
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

  it('skips a first release before asking for the tool: a new library without cargo-semver-checks is not failed', () => {
    const outcome = judgeSemver(facts({ baseline: null, toolInstalled: false }));
    expect(outcome.status).toBe('skipped');
    expect(outcome.reason).toBe('first release: no earlier release tag and no earlier version on crates.io to compare with');
  });

  it('names the registry index the baseline came from, or that had no earlier version', () => {
    const index = '/srv/mirror-index';
    expect(judgeSemver(facts({ baseline: null, index })).reason).toBe(`first release: no earlier release tag and no earlier version in registry index ${index} to compare with`);
    const baseline = { kind: 'registry' as const, version: '0.1.0', index };
    expect(judgeSemver(facts({ baseline, index, check: { exitCode: 1, output: REPORT } })).reason).toContain(`against registry index ${index} 0.1.0`);
    expect(judgeSemver(facts({ baseline: { ...baseline, index: 'sparse+https://index.crates.io' } })).reason).toContain('compatible with crates.io 0.1.0');
  });

  it('fails on semverFeatures the crate does not define', () => {
    expect(judgeSemver(facts({ unknownFeatures: ['nope'] })).status).toBe('failed');
  });

  it('compares exactly the release features', () => {
    expect(semverFeatureArgs([], false)).toEqual(['--default-features']);
    expect(semverFeatureArgs(['a', 'b'], true)).toEqual(['--only-explicit-features', '--features', 'a', '--features', 'b']);
  });
});

describe('gate-semver run', () => {
  let index: string;
  const commands: string[] = [];
  const answer = (stdout: string, exitCode = 0, notFound = false) => ({ stdout, stderr: '', exitCode, notFound }) as unknown as CommandResult;
  const contextFor = (name: string, version: string, tool: boolean) =>
    ({
      crate: crateModel({ name, version, hasLibrary: true }),
      options: { semver: true, features: [], noDefaultFeatures: false, registryIndex: index },
      run: async (file: string, args: string[]) => (commands.push([file, ...args].join(' ')), answer('')),
      cargo: async (args: string[]) => (commands.push(['cargo', ...args].join(' ')), tool ? answer('cargo-semver-checks 0.51.0') : answer('', 127, true)),
    }) as unknown as GateContext;
  const entry = (name: string, versions: string[]) => {
    const file = path.join(index, name.slice(0, 2), name.slice(2, 4), name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, versions.map((vers) => JSON.stringify({ name, vers, cksum: '00'.repeat(32), yanked: false })).join('\n'));
  };
  beforeEach(() => {
    index = fs.mkdtempSync(path.join(os.tmpdir(), 'semver-index-'));
    commands.length = 0;
  });
  afterEach(() => fs.rmSync(index, { recursive: true, force: true }));

  it('takes the baseline from the configured registry index', async () => {
    entry('nrg-lib', ['0.1.0', '0.2.0', '0.9.0']);
    const outcome = await semverGate.run(contextFor('nrg-lib', '0.3.0', false));
    expect(outcome.details?.baseline).toEqual({ kind: 'registry', version: '0.2.0', index });
    expect(outcome.reason).toContain('cargo-semver-checks is not installed');
  });

  it('skips a first release without asking for cargo-semver-checks', async () => {
    const outcome = await semverGate.run(contextFor('nrg-lib', '0.3.0', false));
    expect(outcome.status).toBe('skipped');
    expect(outcome.reason).toContain(`in registry index ${index}`);
    expect(commands.some((c) => c.includes('semver-checks'))).toBe(false);
  });
});
