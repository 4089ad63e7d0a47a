/**
 * What a security reviewer checks in the generated workflows, run for real where it can be: the release plan step
 * (extracted from release.yml and run by bash) with a dispatch input holding a line break, the GPU job's condition
 * for a fork's pull request, checkout credentials, timeouts, the publish job's environment, SHA pins; and the
 * platform matrix for the default and a custom table.
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
import { evaluateCondition } from './testing/expression';
import { addCrate, quietFormatterWarnings } from './testing/fixtures';

beforeAll(() => quietFormatterWarnings());

type Workflow = { jobs: Record<string, any>; env?: Record<string, string> };

async function generate(options: WorkflowsGeneratorSchema = {}, crates: (tree: Tree) => void = (t) => addCrate(t, { name: 'my-tool' })) {
  const tree = createTreeWithEmptyWorkspace();
  crates(tree);
  await workflowsGenerator(tree, options);
  const read = (file: string) => parseYaml(tree.read(file, 'utf-8')!) as Workflow;
  return { tree, release: read(WORKFLOW_FILES.release), dryRun: read(WORKFLOW_FILES.dryRun), ci: read(WORKFLOW_FILES.ci) };
}

/** Runs the release plan step's script as the runner would (bash -e), with the given environment. */
function runPlanStep(release: Workflow, env: Record<string, string>) {
  const step = release.jobs.plan.steps.find((s: any) => s.id === 'plan');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nrg-plan-'));
  const output = path.join(dir, 'output');
  fs.writeFileSync(output, '');
  const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run], {
    cwd: dir,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, GITHUB_OUTPUT: output, GITHUB_REF_TYPE: 'tag', GITHUB_REF_NAME: 'v0.1.0', ...env },
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
          // Only release.yml's plan job keeps them: it runs git alone, to fetch the tag's annotation.
          if (!(name === 'release' && jobName === 'plan')) expect([name, jobName, step.with?.['persist-credentials']]).toEqual([name, jobName, false]);
        }
      }
    }
    expect(release.jobs.gates['timeout-minutes']).toBe(45);
    expect(release.jobs.publish.environment).toBe('release');
    expect(release.jobs.publish.needs).toEqual(['plan', 'gates', 'build', 'cuda']);
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
    expect(key(release.jobs.build)).toBe(key(dryRun.jobs.platforms));
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
    expect(include(dryRun.jobs.platforms)).toEqual(expected);
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
