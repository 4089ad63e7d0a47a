/**
 * The generators end to end, in a fresh workspace with the packed plugin: `nx add` (init), `nx g ...:workflows`, the
 * generated scripts/dry-run-release.sh running every gate, gate-workflows passing and then failing on a hand edit,
 * and release-rehearsal pushing and cleaning up a branch on a local bare remote. Assertions are on files, git state
 * and exit codes. Last, a crate whose binary is named otherwise than its package: the dry run's own plan and pack steps,
 * run with bash as the runner would, make the archive the release uploads.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { crateFiles } from '../support/crates';
import { TestWorkspace } from '../support/workspace';

/** Where the workflows generator records its options (never nx.json, which Nx hashes into every task). */
const RECORD = '.github/nx-release-gates.json';
/**
 * The gates keyed by outside state this test does not hold still (the registry over the network, tags, engines):
 * left out of the replay check here; state-keyed-gates.spec.ts tests their replays.
 */
const KEYED_BY_OUTSIDE_STATE = ['gate-version', 'gate-publish', 'gate-semver', 'gate-install', 'gate-docker'];

const GENERATED = [
  '.github/workflows/release-dry-run.yml',
  '.github/workflows/release.yml',
  '.github/workflows/ci.yml',
  'scripts/dry-run-release.sh',
  'RELEASE_PROCESS.md',
];

describe('generators in a fresh workspace', () => {
  let ws: TestWorkspace;
  let remote: string;

  beforeAll(() => {
    ws = TestWorkspace.create('generators', {
      registerPlugin: false,
      files: {
        ...crateFiles({ name: 'gen-tool', version: '0.3.1' }),
        // Without `dist`, so init's own ignore line is what keeps the gate results out of git.
        '.gitignore': 'node_modules\ntarget\n.nx\n',
      },
    });
    remote = fs.mkdtempSync(path.join(os.tmpdir(), 'nrg-remote-'));
    execFileSync('git', ['init', '-q', '--bare', remote]);
    ws.git(['remote', 'add', 'origin', remote]);
  });
  afterAll(() => {
    ws.remove();
    fs.rmSync(remote, { recursive: true, force: true });
  });

  it('nx add installs the packed plugin and runs init', () => {
    // `nx add <name>@<version>` runs `<pm> add -D <name>@<version>`; npm takes `name@file:<tarball>` as the version.
    const add = ws.nx(['add', `nx-release-gates@file:${process.env.NX_RELEASE_GATES_TARBALL}`]);
    expect(add.exitCode).toBe(0);
    const nxJson = JSON.parse(ws.read('nx.json'));
    expect(nxJson.plugins).toEqual([{ plugin: 'nx-release-gates', options: {} }]);
    expect(ws.read('.gitignore').split('\n')).toContain('/dist/release-gates');
    // Again: nothing added twice.
    const again = ws.nx(['g', 'nx-release-gates:init']);
    expect(again.exitCode).toBe(0);
    expect(JSON.parse(ws.read('nx.json')).plugins).toHaveLength(1);
    expect(ws.read('.gitignore').match(/dist\/release-gates/g)).toHaveLength(1);
  });

  it('nx g nx-release-gates:workflows writes the files and records its options', () => {
    const nxJson = ws.read('nx.json');
    const gen = ws.nx(['g', 'nx-release-gates:workflows', '--nxCache']);
    expect(gen.exitCode).toBe(0);
    for (const file of GENERATED) expect(ws.exists(file)).toBe(true);
    expect(fs.statSync(ws.path('scripts/dry-run-release.sh')).mode & 0o111).not.toBe(0);
    expect(JSON.parse(ws.read(RECORD))).toEqual({ nxCache: true });
    expect(ws.read('nx.json')).toBe(nxJson);
    // A second run (options now from the record) changes nothing.
    ws.commitAll('release workflows');
    expect(ws.nx(['g', 'nx-release-gates:workflows']).exitCode).toBe(0);
    expect(ws.git(['status', '--porcelain'])).toBe('');
  });

  it('the generated scripts/dry-run-release.sh runs every gate and passes', () => {
    const run = ws.run(ws.path('scripts/dry-run-release.sh'), []);
    expect(run.exitCode).toBe(0);
    const report = ws.result('gen-tool', 'release-dry-run');
    expect(report.status).toBe('passed');
    const statuses = Object.fromEntries(report.gates.map((g: { gate: string; status: string }) => [g.gate, g.status]));
    expect(statuses['gate-workflows']).toBe('passed');
    expect(statuses['gate-build']).toBe('passed');
    expect(Object.values(statuses)).not.toContain('failed');
    expect(ws.exists('dist/release-gates/gen-tool/bin/gen-tool')).toBe(true);
  });

  it('re-running the generator with unchanged options replays every cacheable gate but gate-workflows from the local cache', () => {
    const nxJson = ws.read('nx.json');
    expect(ws.nx(['g', 'nx-release-gates:workflows', '--nxCache']).exitCode).toBe(0);
    expect(ws.read('nx.json')).toBe(nxJson);
    const run = ws.run(ws.path('scripts/dry-run-release.sh'), []);
    expect(run.exitCode).toBe(0);
    const report = ws.result('gen-tool', 'release-dry-run');
    expect(report.status).toBe('passed');
    const replayable = report.gates.filter((g: { gate: string }) => g.gate !== 'gate-workflows' && !KEYED_BY_OUTSIDE_STATE.includes(g.gate));
    expect(replayable.map((g: { gate: string }) => g.gate)).toContain('gate-build');
    expect(replayable.map((g: { gate: string; source: string }) => [g.gate, g.source])).toEqual(replayable.map((g: { gate: string }) => [g.gate, 'local cache']));

    // A new option that writes the same files (release is the default environment): only the record changes, and
    // only gate-workflows, whose key holds it, runs again.
    const regenerated = ws.nx(['g', 'nx-release-gates:workflows', '--environment=release']);
    expect([regenerated.exitCode, regenerated.exitCode ? regenerated.output : '']).toEqual([0, '']);
    expect(JSON.parse(ws.read(RECORD))).toEqual({ nxCache: true, environment: 'release' });
    expect(ws.git(['status', '--porcelain', '--', '.github', 'scripts', 'RELEASE_PROCESS.md', 'nx.json']).trim()).toBe(`M ${RECORD}`);
    const again = ws.run(ws.path('scripts/dry-run-release.sh'), []);
    expect([again.exitCode, again.exitCode ? again.output.slice(-3000) : '']).toEqual([0, '']);
    const after = ws.result('gen-tool', 'release-dry-run').gates as Array<{ gate: string; source: string }>;
    expect(after.filter((g) => replayable.some((r: { gate: string }) => r.gate === g.gate)).map((g) => [g.gate, g.source])).toEqual(replayable.map((g: { gate: string }) => [g.gate, 'local cache']));
    expect(after.find((g) => g.gate === 'gate-workflows')).toMatchObject({ source: 'ran', status: 'passed' });
    ws.git(['checkout', '--', RECORD]);
  });

  it('gate-workflows fails with a diff after a hand edit of release.yml, and reports a file marked owned', () => {
    const release = '.github/workflows/release.yml';
    const original = ws.read(release);
    ws.write(release, original.replace('name: Release\n', 'name: Release (edited by hand)\n'));
    const drift = ws.nx(['run', 'gen-tool:gate-workflows']);
    expect(drift.exitCode).not.toBe(0);
    const failed = ws.result('gen-tool', 'gate-workflows');
    expect(failed.status).toBe('failed');
    expect(failed.details.files).toContainEqual({ file: release, state: 'differs' });
    expect(failed.details.diffs[release]).toMatch(/^-name: Release \(edited by hand\)$/m);
    expect(failed.details.diffs[release]).toMatch(/^\+name: Release$/m);

    ws.write(release, `# nx-release-gates: owned-by-hand\n${ws.read(release)}`);
    const owned = ws.nx(['run', 'gen-tool:gate-workflows']);
    expect(owned.exitCode).toBe(0);
    expect(ws.result('gen-tool', 'gate-workflows').details.files).toContainEqual({ file: release, state: 'owned' });
    // The generator leaves an owned file alone too.
    expect(ws.nx(['g', 'nx-release-gates:workflows']).exitCode).toBe(0);
    expect(ws.read(release)).toContain('Release (edited by hand)');

    ws.write(release, original);
    expect(ws.nx(['run', 'gen-tool:gate-workflows']).exitCode).toBe(0);
  });

  it('release-rehearsal pushes test-release-v<version> to the remote, refuses what it must, and cleans up', () => {
    const branch = 'test-release-v0.3.1';
    const remoteHeads = () => execFileSync('git', ['--git-dir', remote, 'for-each-ref', '--format=%(refname)', 'refs/heads/'], { encoding: 'utf8' });
    const localHas = () => ws.git(['branch', '--list', branch]).trim() !== '';
    expect(ws.git(['status', '--porcelain'])).toBe('');

    expect(ws.nx(['run', 'gen-tool:release-rehearsal', '--releaseVersion=0.4.0']).exitCode).not.toBe(0);
    ws.write('gen-tool/src/main.rs', `${ws.read('gen-tool/src/main.rs')}// uncommitted\n`);
    expect(ws.nx(['run', 'gen-tool:release-rehearsal', '--releaseVersion=0.3.1']).exitCode).not.toBe(0);
    ws.git(['checkout', '--', 'gen-tool/src/main.rs']);
    expect(remoteHeads()).not.toContain(branch);
    expect(localHas()).toBe(false);

    const push = ws.nx(['run', 'gen-tool:release-rehearsal', '--releaseVersion=0.3.1']);
    expect(push.exitCode).toBe(0);
    expect(remoteHeads()).toContain(`refs/heads/${branch}`);
    expect(ws.git(['rev-parse', branch]).trim()).toBe(ws.git(['rev-parse', 'HEAD']).trim());
    expect(ws.git(['symbolic-ref', '--short', 'HEAD']).trim()).toBe('main');

    // The branch exists now: refused.
    expect(ws.nx(['run', 'gen-tool:release-rehearsal', '--releaseVersion=0.3.1']).exitCode).not.toBe(0);

    const cleanup = ws.nx(['run', 'gen-tool:release-rehearsal', '--releaseVersion=0.3.1', '--cleanup']);
    expect(cleanup.exitCode).toBe(0);
    expect(remoteHeads()).not.toContain(branch);
    expect(localHas()).toBe(false);

    // `--version` itself is Nx's; after `--` it reaches the executor.
    expect(ws.nx(['run', 'gen-tool:release-rehearsal', '--', '--version=0.3.1']).exitCode).toBe(0);
    expect(remoteHeads()).toContain(`refs/heads/${branch}`);
    expect(ws.nx(['run', 'gen-tool:release-rehearsal', '--cleanup']).exitCode).toBe(0);
    expect(remoteHeads()).not.toContain(branch);
  });

  it('the dry run packs a binary named otherwise than its package (x-find, [[bin]] x) into the archive the release uploads', () => {
    const xFind = crateFiles({ name: 'x-find', version: '0.1.0', extra: '[[bin]]\nname = "x"\npath = "src/main.rs"\n' });
    for (const [file, content] of Object.entries(xFind)) ws.write(file, content);
    expect(ws.nx(['g', 'nx-release-gates:workflows']).exitCode).toBe(0);
    const dryRun = parseYaml(ws.read('.github/workflows/release-dry-run.yml')) as Workflow;
    const release = parseYaml(ws.read('.github/workflows/release.yml')) as Workflow;
    const packStep = (workflow: Workflow) => workflow.jobs.build.steps.find((s) => String(s.name).startsWith('Pack'))!;
    // The release packs with the dry run's very commands.
    expect(packStep(release).run).toBe(packStep(dryRun).run);
    expect(packStep(dryRun).run).toContain('\npack x-find x\n');

    // The dry run's platform job for this machine's target: gate-build, then the pack step.
    const triple = /^host: (\S+)$/m.exec(execFileSync('rustc', ['-vV'], { encoding: 'utf8' }))![1];
    const build = ws.nx(['run', 'x-find:gate-build', `--targetTriple=${triple}`]);
    expect(build.exitCode).toBe(0);
    expect(ws.exists(`dist/release-gates/x-find/${triple}/bin/x`)).toBe(true);

    // The plan's outputs come from the dry run's own plan step, on the rehearsal branch of tag x-find-v0.1.0.
    const plan = runStep(dryRun.jobs.plan.steps.find((s) => s.id === 'plan')!, { GITHUB_REF_TYPE: 'branch', GITHUB_REF_NAME: 'test-release-x-find-v0.1.0' });
    expect(plan.status).toBe(0);
    expect(plan.outputs).toMatchObject({ projects: 'x-find', version: '0.1.0' });
    const packed = runStep(packStep(dryRun), {}, { outputs: plan.outputs, target: triple });
    expect([packed.status, packed.stderr]).toEqual([0, '']);

    // The name the release uploads: its pack step's archive path for this crate, version and target, one of the files
    // its GitHub release attests.
    const archive = /tar -czf "([^"]+)"/.exec(packStep(release).run!)![1].replace('$crate', 'x-find').replace('$VERSION', plan.outputs.version).replace('$TARGET', triple);
    expect(archive).toBe(`release/assets/x-find-0.1.0-${triple}.tar.gz`);
    const attested = release.jobs['github-release'].steps.find((s) => s.with?.['subject-path'])!.with!['subject-path'];
    expect(path.posix.dirname(attested)).toBe(path.posix.dirname(archive));
    expect(archive.endsWith(attested.slice(attested.lastIndexOf('*') + 1))).toBe(true);
    expect(fs.readdirSync(ws.path('release/assets'))).toEqual([path.basename(archive)]);
    expect(execFileSync('tar', ['-tzf', ws.path(archive)], { encoding: 'utf8' }).split('\n').filter(Boolean)).toEqual(['x']);
  });

  type Step = { id?: string; name?: string; run?: string; uses?: string; env?: Record<string, string>; with?: Record<string, string> };
  type Workflow = { jobs: Record<string, { steps: Step[] }> };

  /**
   * Runs a step's script with bash as the runner does (`bash --noprofile --norc -eo pipefail`) in the workspace, with
   * the env the step sets: its `${{ needs.plan.outputs.* }}` and `${{ matrix.target }}` filled in from `values`.
   */
  function runStep(step: Step, env: Record<string, string>, values: { outputs?: Record<string, string>; target?: string } = {}) {
    const fill = (value: string) =>
      value
        .replace(/\$\{\{ needs\.plan\.outputs\.([\w-]+) \}\}/g, (_m, name: string) => values.outputs?.[name] ?? '')
        .replace(/\$\{\{ matrix\.target \}\}/g, values.target ?? '')
        .replace(/\$\{\{ inputs\.[\w-]+ \}\}/g, '');
    const stepEnv = Object.fromEntries(Object.entries(step.env ?? {}).map(([name, value]) => [name, fill(String(value))]));
    const output = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nrg-step-')), 'output');
    fs.writeFileSync(output, '');
    const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run!], {
      cwd: ws.root,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: process.env.HOME, GITHUB_OUTPUT: output, ...stepEnv, ...env },
    });
    const lines = fs.readFileSync(output, 'utf8').split('\n').filter(Boolean);
    fs.rmSync(path.dirname(output), { recursive: true, force: true });
    const outputs = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    return { status: result.status, stdout: result.stdout, stderr: result.stderr, outputs };
  }
});
