import * as fs from 'node:fs';
import * as path from 'node:path';
import { archiveName, buildReleasePlan, planText, ReleasePlanInput } from './release-plan';

const input = (change: Partial<ReleasePlanInput> = {}): ReleasePlanInput => ({
  project: 'x-find',
  crate: { name: 'x-find', version: '1.2.0', binaries: ['x'], publish: true },
  createdAt: '2026-12-03T14:00:00.000Z',
  gates: [
    { target: 'gate-build', cacheable: true, hash: 'a'.repeat(20), cached: { status: 'passed' } },
    { target: 'gate-test', cacheable: true, hash: 'b'.repeat(20), cached: null },
    { target: 'gate-version', cacheable: false, hash: null, cached: null },
  ],
  hashProblem: null,
  dryRun: { mustRun: null, hash: 'c'.repeat(20), problem: null, cached: { status: 'passed' } },
  workflows: {
    crates: ['x-find'],
    targets: [
      { target: 'x86_64-unknown-linux-gnu', runsOn: ['ubuntu-latest'], test: true },
      { target: 'x86_64-apple-darwin', runsOn: ['macos-latest'], test: false },
    ],
  },
  registry: { name: 'crates.io', index: 'https://index.crates.io/', published: false, problem: null },
  ...change,
});

describe('buildReleasePlan', () => {
  it('replays a gate whose hash the local cache holds, runs the others, and says why', () => {
    const { gates } = buildReleasePlan(input());
    expect(gates.map((g) => [g.gate, g.plan])).toEqual([
      ['gate-build', 'replay'],
      ['gate-test', 'run'],
      ['gate-version', 'run'],
    ]);
    expect(gates[0].why).toBe('its inputs match a run in the local cache (aaaaaaaaaaaa, passed)');
    expect(gates[1].why).toContain('no local cache entry for its inputs (bbbbbbbbbbbb); a remote cache may still hold one');
    expect(gates[2].why).toBe('never cached: it runs every time');
  });

  it('says whether the whole dry run replays: its key in the local cache, none there, a rule that makes it run, no key', () => {
    const fact = input().dryRun!;
    expect(buildReleasePlan(input()).dryRun).toMatchObject({ plan: 'replay', why: expect.stringMatching(/^its key matches a dry run in the local cache \(cccccccccccc, passed\)/) });
    expect(buildReleasePlan(input({ dryRun: { ...fact, cached: null } })).dryRun).toMatchObject({ plan: 'run', why: expect.stringContaining('no local cache entry for its key') });
    expect(buildReleasePlan(input({ dryRun: { mustRun: 'NX_RELEASE_GATES_TRUSTED_KEY is set', hash: null, problem: null, cached: null } })).dryRun).toMatchObject({ plan: 'run', why: expect.stringContaining('cannot replay whole: NX_RELEASE_GATES_TRUSTED_KEY is set') });
    expect(buildReleasePlan(input({ dryRun: { mustRun: null, hash: null, problem: 'no graph', cached: null } })).dryRun).toMatchObject({ plan: 'may-replay', why: expect.stringContaining('no graph') });
    expect(buildReleasePlan(input({ dryRun: null })).dryRun).toBeNull();
    expect(planText(buildReleasePlan(input())).split('\n')).toContain(`Dry run: will replay whole: ${buildReleasePlan(input()).dryRun!.why}`);
  });

  it('says "may replay" when Nx could not hash the gates, never a guess', () => {
    const gates = input().gates.map((g) => ({ ...g, hash: null, cached: null }));
    const plan = buildReleasePlan(input({ gates, hashProblem: "Nx's task hasher failed: no daemon" }));
    expect(plan.gates[0]).toMatchObject({ plan: 'may-replay', why: expect.stringContaining("Nx's task hasher failed: no daemon") });
  });

  it('lists each target of the release workflow with the archive it packs', () => {
    const { build } = buildReleasePlan(input());
    expect(build.released).toBe(true);
    expect(build.targets).toEqual([
      { target: 'x86_64-unknown-linux-gnu', runsOn: ['ubuntu-latest'], testsRun: true, archive: 'x-find-1.2.0-x86_64-unknown-linux-gnu.tar.gz' },
      { target: 'x86_64-apple-darwin', runsOn: ['macos-latest'], testsRun: false, archive: 'x-find-1.2.0-x86_64-apple-darwin.tar.gz' },
    ]);
  });

  it('packs no archive for a library, and says when no workflow releases the crate', () => {
    const library = buildReleasePlan(input({ crate: { name: 'core', version: '0.3.0', binaries: [], publish: true }, workflows: { crates: null, targets: input().workflows!.targets } }));
    expect(library.build.targets.every((t) => t.archive === null)).toBe(true);
    expect(library.build.why).toContain('no binaries');
    expect(buildReleasePlan(input({ workflows: null })).build).toMatchObject({ released: false, why: expect.stringContaining('nx g nx-release-gates:workflows') });
    expect(buildReleasePlan(input({ workflows: { crates: ['other'], targets: [] } })).build.why).toBe('the release workflow releases other, not x-find');
  });

  it('publishes a version the registry does not hold, skips one it holds, and never publishes publish = false', () => {
    expect(buildReleasePlan(input()).publish).toMatchObject({ publish: true, alreadyPublished: false, registry: 'crates.io', version: '1.2.0' });
    const registry = { name: 'crates.io', index: 'https://index.crates.io/', published: true, problem: null };
    expect(buildReleasePlan(input({ registry })).publish).toMatchObject({ publish: false, alreadyPublished: true });
    expect(buildReleasePlan(input({ crate: { ...input().crate, publish: false } })).publish.why).toContain('publish = false');
    const unreachable = { ...registry, published: null, problem: 'timed out' };
    expect(buildReleasePlan(input({ registry: unreachable })).publish.why).toContain('could not be asked (timed out)');
  });

  it('prints a short plan', () => {
    const text = planText(buildReleasePlan(input()));
    expect(text).toContain('Release plan of x-find 1.2.0');
    expect(text).toContain('Gates: 2 will run, 1 will replay, 0 may replay');
    expect(text).toContain('  x86_64-unknown-linux-gnu on ubuntu-latest (gate-test runs there): x-find-1.2.0-x86_64-unknown-linux-gnu.tar.gz');
    expect(text).toContain('Publish: x-find 1.2.0 to crates.io: x-find 1.2.0 is not on crates.io yet');
  });
});

describe('archiveName', () => {
  it('is the name the release workflow packs', () => {
    const build = fs.readFileSync(path.join(__dirname, '..', 'generators', 'workflows', 'partials', 'jobs', 'build.ejs'), 'utf8');
    expect(build).toContain('$crate-$VERSION-$TARGET.tar.gz');
    expect(archiveName('$crate', '$VERSION', '$TARGET')).toBe('$crate-$VERSION-$TARGET.tar.gz');
  });
});
