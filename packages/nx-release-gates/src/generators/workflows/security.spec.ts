/**
 * What a security reviewer checks in the generated workflows, run for real where it can be: the release plan step
 * (extracted from release.yml and run by bash) with a dispatch input holding a line break, the GPU job's condition
 * for a fork's pull request, checkout credentials, timeouts, the publish job's environment, SHA pins; and the
 * platform matrix for the default and a custom table; with a remote cache, which token each event gets (the
 * expressions evaluated), the probe's place before Nx, and the release's replay count and parity steps run by bash.
 */
import { Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ACTIONS } from './actions';
import { workflowsGenerator } from './generator';
import { DEFAULT_PLATFORM_TARGETS } from './platform-targets';
import { WORKFLOW_FILES } from './render';
import type { WorkflowsGeneratorSchema } from './schema';
import { REMOTE_CACHE_VARIABLES, REPLAY_SIGNING } from './remote-cache';
import { evaluateCondition, evaluateExpression } from './testing/expression';
import { addCrate, quietFormatterWarnings } from './testing/fixtures';
import { fixtureCrateFacts } from './testing/crate-facts';

beforeAll(() => quietFormatterWarnings());

type Workflow = { jobs: Record<string, any>; env?: Record<string, string> };

async function generate(options: WorkflowsGeneratorSchema = {}, crates: (tree: Tree) => void = (t) => addCrate(t, { name: 'my-tool' })) {
  const tree = createTreeWithEmptyWorkspace();
  crates(tree);
  await workflowsGenerator(tree, options, fixtureCrateFacts);
  const read = (file: string) => parseYaml(tree.read(file, 'utf-8')!) as Workflow;
  return { tree, release: read(WORKFLOW_FILES.release), dryRun: read(WORKFLOW_FILES.dryRun), ci: read(WORKFLOW_FILES.ci) };
}

/** The values a step's `env:` sets itself (not the expressions the runner fills in). */
const literalEnv = (step: any): Record<string, string> =>
  Object.fromEntries(Object.entries<string>(step.env ?? {}).filter(([, value]) => !String(value).includes('${{')));

/** Runs the plan step's script (release.yml's unless given another workflow) as the runner would (bash -e), with the given environment. */
function runPlanStep(release: Workflow, env: Record<string, string>) {
  const step = release.jobs.plan.steps.find((s: any) => s.id === 'plan');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nrg-plan-'));
  const output = path.join(dir, 'output');
  fs.writeFileSync(output, '');
  const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run], {
    cwd: dir,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, GITHUB_OUTPUT: output, GITHUB_REF_TYPE: 'tag', GITHUB_REF_NAME: 'v0.1.0', ...literalEnv(step), ...env },
  });
  const written = fs.readFileSync(output, 'utf8');
  fs.rmSync(dir, { recursive: true, force: true });
  const outputs = Object.fromEntries(written.split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  return { status: result.status, stdout: result.stdout, outputs, lines: written.split('\n').filter(Boolean) };
}

describe('the release plan step', () => {
  it('writes one line per output for an emergency dispatch', async () => {
    const { release } = await generate();
    const plan = runPlanStep(release, { INPUT_SKIP_GATES: 'gate-doc', INPUT_SKIP_REASON: 'CVE-2026-1234 hotfix' });
    expect(plan.status).toBe(0);
    expect(plan.outputs).toEqual({
      tag: 'v0.1.0',
      'release-tag': '',
      version: '0.1.0',
      projects: 'my-tool',
      emergency: 'true',
      'skip-gates': 'gate-doc',
      'skip-reason': 'CVE-2026-1234 hotfix',
    });
    expect(plan.lines).toHaveLength(7);
  });

  it.each([
    ['skip-reason', { INPUT_SKIP_GATES: 'gate-doc', INPUT_SKIP_REASON: 'hotfix\nemergency=false\ntag=v9.9.9' }],
    ['skip-gates', { INPUT_SKIP_GATES: 'gate-doc\nprojects=other', INPUT_SKIP_REASON: 'hotfix' }],
    ['skip-reason (carriage return)', { INPUT_SKIP_GATES: 'gate-doc', INPUT_SKIP_REASON: 'hotfix\rversion=6.6.6' }],
  ])('refuses a %s input holding a line break and writes no output at all', async (_name, env) => {
    const { release } = await generate();
    const plan = runPlanStep(release, env);
    expect(plan.status).not.toBe(0);
    expect(plan.lines).toEqual([]);
    expect(plan.stdout.split('\n').filter((l) => l.startsWith('::error::'))).toHaveLength(1);
  });

  it('is the dry run\'s plan too: a test-release branch rehearses its tag, a dispatch from a branch no tag', async () => {
    const { dryRun } = await generate({}, threeCrateLayout);
    const rehearsal = runPlanStep(dryRun, { GITHUB_REF_TYPE: 'branch', GITHUB_REF_NAME: 'test-release-cli-v0.1.0' });
    expect(rehearsal.status).toBe(0);
    expect(rehearsal.outputs).toEqual({ tag: 'cli-v0.1.0', 'release-tag': 'cli-v0.1.0', version: '0.1.0', projects: 'cli', emergency: 'false', 'skip-gates': '', 'skip-reason': '' });
    const dispatch = runPlanStep(dryRun, { GITHUB_REF_TYPE: 'branch', GITHUB_REF_NAME: 'main', INPUT_SKIP_GATES: 'gate-doc', INPUT_SKIP_REASON: 'docs.rs is down' });
    expect(dispatch.status).toBe(0);
    expect(dispatch.outputs).toMatchObject({ tag: '', 'release-tag': '', version: 'untagged', projects: 'core,cli', emergency: 'true', 'skip-gates': 'gate-doc' });
    // The release refuses a branch.
    const { release } = await generate({}, threeCrateLayout);
    const branch = runPlanStep(release, { GITHUB_REF_TYPE: 'branch', GITHUB_REF_NAME: 'main' });
    expect(branch.status).not.toBe(0);
    expect(branch.lines).toEqual([]);
  });
});

describe('the GPU job', () => {
  const event = (headRepo: string) => ({
    event_name: 'pull_request',
    repository: 'owner/repo',
    event: { pull_request: { head: { repo: { full_name: headRepo } } } },
  });

  it("never runs a fork's pull request on the self-hosted runner; runs pushes and same-repository pull requests", async () => {
    const { ci } = await generate({ gpuRunsOn: ['self-hosted', 'gpu'] });
    const condition: string = ci.jobs.cuda.if;
    expect(evaluateCondition(condition, { github: event('someone/fork') })).toBe(false);
    expect(evaluateCondition(condition, { github: event('OWNER/repo') })).toBe(true);
    expect(evaluateCondition(condition, { github: { event_name: 'push', repository: 'owner/repo', event: {} } })).toBe(true);
    // The hosted job still runs for forks.
    expect(ci.jobs.affected.if).toBeUndefined();
  });

  it('runs only on push and dispatch in the dry run and the release (no pull_request trigger there)', async () => {
    const { tree } = await generate({ gpuRunsOn: ['self-hosted', 'gpu'] });
    for (const file of [WORKFLOW_FILES.release, WORKFLOW_FILES.dryRun]) {
      expect(Object.keys((parseYaml(tree.read(file, 'utf-8')!) as any).on).sort()).toEqual(['push', 'workflow_dispatch']);
    }
  });
});

describe('job hardening', () => {
  it('keeps no checkout credentials where code runs, gives every job a timeout and the publish job its environment', async () => {
    const { release, dryRun, ci } = await generate({ gpuRunsOn: ['gpu'], timeoutMinutes: 45 });
    for (const [name, workflow] of Object.entries({ release, dryRun, ci })) {
      for (const [jobName, job] of Object.entries(workflow.jobs)) {
        expect([name, jobName, typeof job['timeout-minutes']]).toEqual([name, jobName, 'number']);
        for (const step of job.steps.filter((s: any) => String(s.uses).startsWith('actions/checkout@'))) {
          // Only the plan job (release.yml's, and the dry run's, which runs the same step) keeps them: it runs git
          // alone, to fetch the tag's annotation.
          if (!((name === 'release' || name === 'dryRun') && jobName === 'plan')) expect([name, jobName, step.with?.['persist-credentials']]).toEqual([name, jobName, false]);
        }
      }
    }
    expect(release.jobs.gates['timeout-minutes']).toBe(45);
    expect(release.jobs.publish.environment).toBe('release');
    expect(release.jobs.publish.needs).toEqual(['plan', 'gates', 'build', 'archives', 'cuda']);
  });

  it('publishes with trusted publishing when asked: an OIDC token for that job only, no secret', async () => {
    const { release } = await generate({ trustedPublishing: true, environment: 'crates-io' });
    const publish = release.jobs.publish;
    expect(publish.environment).toBe('crates-io');
    expect(publish.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    expect(publish.steps.some((s: any) => s.uses === ACTIONS.cratesIoAuth)).toBe(true);
    const step = publish.steps.find((s: any) => s.env?.CARGO_REGISTRY_TOKEN);
    expect(step.env.CARGO_REGISTRY_TOKEN).toBe('${{ steps.crates-io-auth.outputs.token }}');
    expect(JSON.stringify(release)).not.toContain('secrets.CARGO_REGISTRY_TOKEN');
  });

  it('attests provenance for public repositories, with the permissions on that job only', async () => {
    const on = (await generate()).release;
    const attest = on.jobs['github-release'].steps.find((s: any) => s.uses === ACTIONS.attest);
    expect(attest.if).toBe('${{ !github.event.repository.private }}');
    expect(on.jobs['github-release'].permissions).toEqual({ contents: 'write', 'id-token': 'write', attestations: 'write' });
    expect(on.jobs.gates.permissions).toBeUndefined();
    const off = (await generate({ provenance: false })).release;
    expect(off.jobs['github-release'].steps.some((s: any) => s.uses === ACTIONS.attest)).toBe(false);
  });

  it('pins actions to the SHAs given, with the tag as a comment, and refuses unknown actions and short SHAs', async () => {
    const sha = 'a'.repeat(40);
    const { tree } = await generate({ pinActions: { [ACTIONS.checkout]: sha } });
    const text = tree.read(WORKFLOW_FILES.release, 'utf-8')!;
    expect(text).toContain(`uses: actions/checkout@${sha} # v4`);
    expect(text).not.toMatch(/uses: actions\/checkout@v4/);
    await expect(generate({ pinActions: { 'actions/checkout@v3': sha } })).rejects.toThrow(/pinActions: "actions\/checkout@v3" is not an action these workflows use/);
    await expect(generate({ pinActions: { [ACTIONS.checkout]: 'abc123' } })).rejects.toThrow(/full 40-character commit SHA/);
  });
});

describe('caches', () => {
  it("keeps Nx's cache and index in the checkout and caches both; rust-cache shares one key per target across workflows", async () => {
    const { release, dryRun, ci } = await generate({ nxCache: true });
    for (const workflow of [release, dryRun, ci]) {
      expect(workflow.env).toEqual({ NX_CACHE_DIRECTORY: '.nx/cache', NX_WORKSPACE_DATA_DIRECTORY: '.nx/workspace-data' });
    }
    const nxCache = release.jobs.gates.steps.find((s: any) => s.uses === ACTIONS.cache);
    expect(nxCache.with.path.trim().split('\n')).toEqual(['.nx/cache', '.nx/workspace-data/*.db']);
    const key = (job: any) => job.steps.find((s: any) => s.uses === ACTIONS.rustCache).with['shared-key'];
    expect(key(release.jobs.gates)).toBe(key(dryRun.jobs.gates));
    expect(key(release.jobs.gates)).toBe(key(ci.jobs.affected));
    expect(key(release.jobs.build)).toBe(key(dryRun.jobs.build));
    expect(key(release.jobs.build)).toBe('release-gates-${{ matrix.target }}');
  });

  it('leaves the cargo cache out when cargoCache is false', async () => {
    const { release } = await generate({ cargoCache: false });
    expect(JSON.stringify(release)).not.toContain(ACTIONS.rustCache);
  });
});

describe('the platform matrix', () => {
  const include = (job: any) => job.strategy.matrix.include as { target: string; 'runs-on': string | string[]; test: boolean }[];

  it('builds the default table in the dry run and the release, and archives each target', async () => {
    const { release, dryRun } = await generate();
    const expected = DEFAULT_PLATFORM_TARGETS.map((t) => ({ target: t.target, 'runs-on': t.runsOn[0], test: t.test }));
    expect(include(release.jobs.build)).toEqual(expected);
    expect(include(dryRun.jobs.build)).toEqual(expected);
    expect(expected.map((t) => t.target)).toEqual([
      'x86_64-unknown-linux-gnu',
      'aarch64-unknown-linux-gnu',
      'x86_64-apple-darwin',
      'aarch64-apple-darwin',
      'x86_64-pc-windows-msvc',
    ]);
    const pack = release.jobs.build.steps.find((s: any) => String(s.name).startsWith('Pack')).run as string;
    expect(pack).toContain('tar -czf "release/assets/$crate-$VERSION-$TARGET.tar.gz" -C "$folder" "${files[@]}"');
    expect(pack).toContain('folder="dist/release-gates/$crate/$TARGET/bin"');
    expect(release.jobs['github-release'].needs).toContain('build');
  });

  it('builds a custom table: default triples by name, other triples with their runner and test flag', async () => {
    const { release } = await generate({
      targets: ['aarch64-apple-darwin', { target: 'aarch64-unknown-linux-musl', runsOn: ['self-hosted', 'arm64'], test: true }, { target: 'x86_64-unknown-freebsd', runsOn: 'ubuntu-latest' }],
    });
    expect(include(release.jobs.build)).toEqual([
      { target: 'aarch64-apple-darwin', 'runs-on': 'macos-latest', test: true },
      { target: 'aarch64-unknown-linux-musl', 'runs-on': ['self-hosted', 'arm64'], test: true },
      { target: 'x86_64-unknown-freebsd', 'runs-on': 'ubuntu-latest', test: false },
    ]);
  });

  it.each([
    [{ targets: [] }, /targets must be a non-empty list/],
    [{ targets: ['riscv64gc-unknown-linux-gnu'] }, /not in the default table.*give it as \{ "target"/],
    [{ targets: [{ target: 'x86_64-unknown-linux-gnu' }] }, /needs "runsOn"/],
    [{ targets: ['x86_64-unknown-linux-gnu', 'x86_64-unknown-linux-gnu'] }, /listed twice/],
    [{ targets: [{ target: 'not a triple', runsOn: 'ubuntu-latest' }] }, /not a Rust target triple/],
    [{ timeoutMinutes: 0 }, /timeoutMinutes must be a whole number/],
    [{ environment: 'release\nx' }, /environment/],
  ])('refuses %j in one line', async (options, message) => {
    await expect(generate(options as WorkflowsGeneratorSchema)).rejects.toThrow(message);
  });
});

describe('the remote cache', () => {
  const repository = 'owner/repo';
  const event = (event_name: string, ref: string, extra: Record<string, unknown> = {}) => ({
    event_name,
    ref,
    ref_protected: false,
    repository,
    event: { repository: { default_branch: 'main' } },
    ...extra,
  });
  const pullRequest = (headRepo: string) =>
    event('pull_request', 'refs/pull/7/merge', { event: { repository: { default_branch: 'main' }, pull_request: { head: { repo: { full_name: headRepo } } } } });
  const events = {
    'pull request from this repository': pullRequest('owner/repo'),
    'pull request from a fork': pullRequest('someone/fork'),
    'push to a feature branch': event('push', 'refs/heads/feature'),
    'push to a test-release branch': event('push', 'refs/heads/test-release-v1.2.0'),
    'push to the default branch': event('push', 'refs/heads/main'),
    'push of a protected ref': event('push', 'refs/heads/release-1.x', { ref_protected: true }),
    'dispatch on the default branch': event('workflow_dispatch', 'refs/heads/main'),
    'dispatch on another branch': event('workflow_dispatch', 'refs/heads/feature'),
    'tag push (the release)': event('push', 'refs/tags/v1.2.0'),
    'protected tag push (the release)': event('push', 'refs/tags/v1.2.0', { ref_protected: true }),
  };
  type EventName = keyof typeof events;
  /**
   * Runs of reviewed code: the only ones that may write what a release replays. A protected tag is a protected ref
   * too, but only the release runs on tags, and the release always reads.
   */
  const REVIEWED: EventName[] = ['push to the default branch', 'push of a protected ref', 'dispatch on the default branch', 'protected tag push (the release)'];
  const ALL = Object.keys(events) as EventName[];
  const runsNx = (step: any) => /(^|\s)(npx|pnpm exec|yarn|bunx) nx /m.test(String(step.run ?? ''));

  /** Every string anywhere in a workflow. */
  function strings(value: unknown, found: string[] = []): string[] {
    if (typeof value === 'string') found.push(value);
    else if (value && typeof value === 'object') for (const v of Object.values(value)) strings(v, found);
    return found;
  }

  describe.each(['self-hosted', 'nx-cloud'] as const)('%s', (mode) => {
    const v = REMOTE_CACHE_VARIABLES[mode];
    const context = (name: EventName) => ({
      github: events[name],
      secrets: { [v.writeSecret]: 'read-write-token', [v.readOnlySecret]: 'read-only-token', NX_SELF_HOSTED_REMOTE_CACHE_SERVER: 'https://secret.example' },
      vars: { NX_SELF_HOSTED_REMOTE_CACHE_SERVER: 'https://cache.example' },
    });

    it('gives the write token to runs of reviewed code only: never to a pull request, another branch or the tag release', async () => {
      const { release, dryRun, ci } = await generate({ remoteCache: mode, gpuRunsOn: ['self-hosted', 'gpu'] });
      const tokenOf = (job: any, name: EventName) => evaluateExpression(job.env[v.token], context(name));
      const expected = (workflow: string, name: EventName) => (workflow !== 'release' && REVIEWED.includes(name) ? 'read-write-token' : 'read-only-token');
      for (const [name, workflow] of Object.entries({ release, dryRun, ci })) {
        const nxJobs = Object.entries(workflow.jobs).filter(([, job]) => job.steps.some(runsNx));
        expect(nxJobs.length).toBeGreaterThan(1);
        for (const [jobName, job] of nxJobs) {
          for (const on of ALL) expect([name, jobName, on, tokenOf(job, on)]).toEqual([name, jobName, on, expected(name, on)]);
          if (v.server) expect(evaluateExpression(job.env[v.server], context('push to the default branch'))).toBe('https://cache.example');
        }
        // Wherever the write secret is named, no run of unreviewed code gets it.
        for (const text of strings(workflow).filter((t) => t.includes(`secrets.${v.writeSecret}`))) {
          for (const on of ALL.filter((e) => !REVIEWED.includes(e))) expect([name, on, evaluateExpression(text, context(on))]).toEqual([name, on, 'read-only-token']);
        }
      }
      expect(JSON.stringify(release)).not.toContain(`secrets.${v.writeSecret}`);
    });

    it('gives the replay signing key to the jobs that get the write token, for reviewed code only; the release verifies with the committed key', async () => {
      const { release, dryRun, ci } = await generate({ remoteCache: mode, gpuRunsOn: ['self-hosted', 'gpu'] });
      const signingContext = (name: EventName) => ({ ...context(name), secrets: { ...context(name).secrets, [REPLAY_SIGNING.signingKey]: 'private-key' } });
      for (const [name, workflow] of Object.entries({ dryRun, ci })) {
        for (const [jobName, job] of Object.entries(workflow.jobs).filter(([, job]) => job.steps.some(runsNx))) {
          for (const on of ALL) {
            const key = evaluateExpression(job.env[REPLAY_SIGNING.signingKey], signingContext(on));
            const token = evaluateExpression(job.env[v.token], signingContext(on));
            // The key goes exactly where the write token goes.
            expect([name, jobName, on, key]).toEqual([name, jobName, on, token === 'read-write-token' ? 'private-key' : '']);
          }
          expect(job.env[REPLAY_SIGNING.trustedKey]).toBeUndefined();
        }
      }
      const releaseNxJobs = Object.values(release.jobs).filter((job: any) => job.steps.some(runsNx));
      expect(releaseNxJobs.length).toBeGreaterThan(1);
      for (const job of releaseNxJobs) expect(job.env[REPLAY_SIGNING.trustedKey]).toBe(REPLAY_SIGNING.trustedKeyFile);
      expect(JSON.stringify(release)).not.toContain(`secrets.${REPLAY_SIGNING.signingKey}`);
    });

    it('lets the release gates job read the dry run\'s artifacts, and no other job more than before', async () => {
      const { release } = await generate({ remoteCache: mode });
      expect(release.jobs.gates.permissions).toEqual({ contents: 'read', actions: 'read' });
      expect(release.jobs.build.permissions).toBeUndefined();
    });
  });

  it.each(['npm', 'pnpm'] as const)('runs the probe (a bin of this package) before the first Nx call of every job with the self-hosted cache (%s)', async (packageManager) => {
    const workflows = await generate({ remoteCache: 'self-hosted', gpuRunsOn: ['self-hosted', 'gpu'], packageManager });
    const bins = Object.keys(JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'package.json'), 'utf8')).bin);
    let jobs = 0;
    for (const name of ['release', 'dryRun', 'ci'] as const) {
      for (const [jobName, job] of Object.entries(workflows[name].jobs)) {
        const firstNx = job.steps.findIndex(runsNx);
        if (firstNx < 0) continue;
        expect([name, jobName, job.env?.NX_SELF_HOSTED_REMOTE_CACHE_SERVER !== undefined]).toEqual([name, jobName, true]);
        const probes = job.steps.map((s: any, i: number) => [i, String(s.run ?? '')] as const).filter(([, run]: readonly [number, string]) => bins.some((b) => run === `${packageManager === 'pnpm' ? 'pnpm exec' : 'npx'} ${b}`));
        expect([name, jobName, probes.length]).toEqual([name, jobName, 1]);
        expect([name, jobName, probes[0][0] < firstNx]).toEqual([name, jobName, true]);
        jobs++;
      }
    }
    // gates, build and cuda in the dry run and the release; affected and cuda in CI.
    expect(jobs).toBe(8);
  });

  it('adds nothing without the option: no cache variables, no probe, no extra permissions', async () => {
    const { tree, release } = await generate();
    for (const file of [WORKFLOW_FILES.release, WORKFLOW_FILES.dryRun, WORKFLOW_FILES.ci]) {
      expect(tree.read(file, 'utf-8')).not.toMatch(/NX_SELF_HOSTED|NX_CLOUD|remote-cache-probe|release-parity|NX_RELEASE_GATES_(SIGNING|TRUSTED)_KEY/);
    }
    expect(release.jobs.gates.permissions).toBeUndefined();
    await expect(generate({ remoteCache: 'redis' as never })).rejects.toThrow(/^remoteCache must be none, self-hosted, nx-cloud, not "redis"$/);
  });

  it("downloads the artifact the dry run uploads its reports under, from another run", async () => {
    const { release, dryRun } = await generate({ remoteCache: 'self-hosted' });
    const uploaded = dryRun.jobs.gates.steps.find((s: any) => s.name === 'Upload gate reports').with;
    expect(uploaded.path).toContain('dist/release-gates/');
    const download = release.jobs.gates.steps.find((s: any) => String(s.uses).startsWith('actions/download-artifact@'));
    expect(download.with).toEqual({ name: uploaded.name, path: 'dry-run-report', 'run-id': '${{ steps.dry-run.outputs.run-id }}', 'github-token': '${{ github.token }}' });
  });

  /** Runs one step of the release gates job with bash in a folder holding `files`. */
  function runGatesStep(release: Workflow, name: string, files: Record<string, string>, env: Record<string, string> = {}) {
    const step = release.jobs.gates.steps.find((s: any) => s.name === name);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nrg-step-'));
    for (const [file, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), content);
    }
    const summaryFile = path.join(dir, 'step-summary.md');
    fs.writeFileSync(summaryFile, '');
    const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run], {
      cwd: dir,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, GITHUB_STEP_SUMMARY: summaryFile, ...env },
    });
    const summary = fs.readFileSync(summaryFile, 'utf8');
    fs.rmSync(dir, { recursive: true, force: true });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr, summary };
  }

  it('counts the gates replayed from the remote cache and the time they saved, printing numbers only', async () => {
    const { release } = await generate({ remoteCache: 'self-hosted' });
    const row = (gate: string, source: string, durationMs: number | null) => ({ project: 'my-tool', gate, status: 'passed', source, durationMs, figure: '', reason: '::error::from a tool' });
    const rows = [row('gate-build', 'remote cache', 61_000), row('gate-test', 'remote cache', 2_400), row('gate-doc', 'remote cache', null), row('gate-fmt', 'ran', 900), row('gate-size', 'local cache', 5_000)];
    const counted = runGatesStep(release, 'Gates replayed from the remote cache', { 'dist/release-gates/summary.json': JSON.stringify({ rows }) });
    expect(counted.status).toBe(0);
    const line = '3 of 5 gate tasks were replayed from the remote cache, saving about 1m03s (the time they took in the run that computed them).';
    expect(counted.stdout.trim()).toBe(line);
    expect(counted.summary).toBe(`\n### Remote cache\n\n${line}\n`);
    expect(counted.stdout + counted.summary).not.toContain('::');

    const none = runGatesStep(release, 'Gates replayed from the remote cache', {});
    expect(none.status).toBe(0);
    expect(none.summary).toContain('No gate summary (dist/release-gates/summary.json) was written');
  });

  it("says in the step summary when the dry run's report is missing, and does not fail", async () => {
    const { release } = await generate({ remoteCache: 'self-hosted' }, threeCrateLayout);
    const parity = runGatesStep(release, 'Parity with the private dry run', {}, { PROJECTS: 'core,cli' });
    expect(parity.status).toBe(0);
    expect(parity.summary.match(/^### Release parity: (\S+)$/gm)).toEqual(['### Release parity: core', '### Release parity: cli']);
    expect(parity.summary).toContain('parity not checked');
  });
});

function threeCrateLayout(tree: Tree) {
  const dirOf = (n: string) => `crates/${n}`;
  addCrate(tree, { name: 'core', bin: false }, dirOf);
  addCrate(tree, { name: 'cli', deps: ['core'] }, dirOf);
  tree.write('Cargo.toml', '[workspace]\nmembers = ["crates/*"]\n');
}
