import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { GateContext } from '../types';
import type { CommandResult } from '../../ops/process';
import { crateModel } from '../../testing/crate-model';
import { judgeSemver, parseSemverFailures, previousReleaseTag, releaseTagOf, SemverFacts, semverFeatureArgs, semverGate } from './semver';

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, '__fixtures__', `${name}.txt`), 'utf8');

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
  betweenReleases: false,
  reverse: null,
  changedSinceBaseline: null,
  ...overrides,
});

describe('baselines', () => {
  it('takes the newest earlier release tag of this crate, bare or crate-prefixed', () => {
    const tags = ['v0.1.0', 'v0.3.0', 'tool-v0.2.0', 'other-v0.2.5', 'v0.2.0-rc.1', 'nightly'];
    expect(previousReleaseTag(tags, 'tool', '0.3.0')).toEqual({ tag: 'tool-v0.2.0', version: '0.2.0' });
    expect(previousReleaseTag(tags, 'tool', '0.1.0')).toBeNull();
  });

  it('finds the release tag of the very version, for the state between releases', () => {
    expect(releaseTagOf(['v0.1.0', 'tool-v0.2.0'], 'tool', '0.2.0')).toEqual({ tag: 'tool-v0.2.0', version: '0.2.0' });
    expect(releaseTagOf(['v0.1.0'], 'tool', '0.1.1')).toBeNull();
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

describe('judgeSemver between releases (the version is the tag version)', () => {
  const between = (output: string, more: Partial<SemverFacts> = {}) =>
    judgeSemver(facts({ version: '0.1.0', betweenReleases: true, check: { exitCode: output.includes('checks failed') ? 1 : 0, output }, ...more }));

  it('passes a removed fn, saying it needs the breaking bump and to which version', () => {
    const outcome = between(fixture('between-removed'));
    expect(outcome.status).toBe('passed');
    expect(outcome.details).toMatchObject({ requiredBump: 'major', nextVersion: '0.2.0' });
    expect(outcome.reason).toBe('between releases (0.1.0 is release tag v0.1.0): the changes need a major bump, to 0.2.0: function_missing (function nrg_sv::gone)');
  });

  it('reads a minor-level lint as a minor bump', () => {
    const outcome = between(fixture('between-deprecated'));
    expect(outcome.details).toMatchObject({ requiredBump: 'minor', nextVersion: '0.1.1' });
    expect(outcome.reason).toContain('function_marked_deprecated (function nrg_sv::gone)');
  });

  it('finds an added fn through the reverse comparison: a minor bump', () => {
    const outcome = between(fixture('between-added'), { reverse: { exitCode: 1, output: fixture('reverse-added') }, changedSinceBaseline: true });
    expect(outcome.status).toBe('passed');
    expect(outcome.details).toMatchObject({ requiredBump: 'minor', nextVersion: '0.1.1', added: ['function nrg_sv::added'], additionsCompared: true });
    expect(outcome.reason).toContain('need a minor bump, to 0.1.1: added function nrg_sv::added');
  });

  it('needs a patch when the files changed and the API did not, nothing when nothing changed', () => {
    const reverse = { exitCode: 0, output: fixture('reverse-unchanged') };
    expect(between(fixture('between-unchanged'), { reverse, changedSinceBaseline: true }).details).toMatchObject({ requiredBump: 'patch', nextVersion: '0.1.1' });
    const unchanged = between(fixture('between-unchanged'), { reverse, changedSinceBaseline: false });
    expect(unchanged.details).toMatchObject({ requiredBump: 'none', nextVersion: '0.1.0' });
    expect(unchanged.reason).toContain('unchanged since the release');
  });

  it('says when additions could not be compared', () => {
    expect(between(fixture('between-unchanged'), { changedSinceBaseline: true }).reason).toContain('additions were not compared');
  });

  it('shows the needed bump as the key figure', () => {
    const outcome = between(fixture('between-removed'));
    const result = { details: outcome.details, status: outcome.status } as unknown as Parameters<typeof semverGate.keyFigure>[0];
    expect(semverGate.keyFigure(result)).toBe('vs v0.1.0: needs major (0.2.0)');
  });
});

describe('a baseline that does not build here', () => {
  it('says so in one line for a registry crate of the same name, without the cargo doc dump', () => {
    const baseline = { kind: 'registry' as const, version: '0.3.1', index: 'https://index.crates.io/' };
    const outcome = judgeSemver(facts({ baseline, version: '0.3.2', check: { exitCode: 101, output: fixture('registry-baseline-unbuildable') } }));
    expect(outcome.status).toBe('failed');
    expect(outcome.reason).toBe(
      'the baseline alsa-sys 0.3.1 from crates.io does not build here (The system library `alsa` required by crate `alsa-sys` was not found); ' +
        "if it is another project's crate, tag this crate's releases (v<version>) to compare with them; else install what it needs, or set semver: false",
    );
    expect(outcome.reason).not.toContain('\n');
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

  describe('between releases', () => {
    const gitAnswers = (head: string, diffExit: number) => async (file: string, args: string[]) => {
      commands.push([file, ...args].join(' '));
      if (args[0] === 'tag') return answer('v0.1.0\nv0.2.0\n');
      if (args[0] === 'diff') return answer('', diffExit);
      if (args[0] === 'rev-parse') return answer(args.includes('HEAD^{commit}') ? `${head}\n` : 'tagged\n');
      return answer('');
    };
    const context = (head: string, diffExit: number) =>
      ({
        ...contextFor('nrg-lib', '0.2.0', true),
        targetDirectory: index,
        run: gitAnswers(head, diffExit),
        cargo: async (args: string[]) => {
          commands.push(['cargo', ...args].join(' '));
          return args.includes('check-release') ? answer(fixture('between-removed'), 1) : answer('cargo-semver-checks 0.51.0');
        },
      }) as unknown as GateContext;

    it("compares with the tag of the version itself, judged as a patch release so every needed bump shows", async () => {
      const outcome = await semverGate.run(context('later', 1));
      expect(outcome.status).toBe('passed');
      expect(outcome.details).toMatchObject({ baseline: { kind: 'tag', tag: 'v0.2.0' }, requiredBump: 'major', nextVersion: '0.3.0' });
      expect(commands.find((c) => c.includes('check-release'))).toContain('--baseline-rev v0.2.0 --release-type patch');
    });

    it('at the unchanged tagged commit (the release) judges the bump made against the earlier tag', async () => {
      const outcome = await semverGate.run(context('tagged', 0));
      expect(outcome.details?.baseline).toEqual({ kind: 'tag', tag: 'v0.1.0', version: '0.1.0' });
      expect(outcome.status).toBe('failed');
      expect(commands.find((c) => c.includes('check-release'))).not.toContain('--release-type');
    });
  });
});
