import { Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GATE_SPECS as GATES, gateTarget } from '../../model/catalog';
import { CrateFactsError } from './crate-facts';
import { checkWorkflowDrift } from './drift';
import { workflowsGenerator } from './generator';
import { OverlayTree } from './overlay-tree';
import { GENERATED_FILES, WORKFLOW_FILES } from './render';
import { OPTIONS_RECORD } from './workflow-files';
import { addCrate, materialize, quietFormatterWarnings, treeFiles } from './testing/fixtures';
import { fixtureCrateFacts } from './testing/crate-facts';

// A fixed gate registry keeps the snapshots about the generator: gates added or reworded elsewhere do not change them.
// The "takes every gate from the GATES registry" test shows the files list whatever the registry holds.
jest.mock('../../model/catalog', () => {
  const actual = jest.requireActual('../../model/catalog');
  const names = ['lockfile', 'workflows', 'build', 'cuda', 'size', 'test', 'doc'];
  const GATE_SPECS = names.map((name) => ({ name, description: `What gate-${name} checks.`, cacheable: true }));
  const gateTarget = (gate: { name: string } | string) => `gate-${typeof gate === 'string' ? gate : gate.name}`;
  return { ...actual, GATE_SPECS, GATE_TARGETS: GATE_SPECS.map(gateTarget), findGateSpec: (t: string) => GATE_SPECS.find((g) => gateTarget(g) === t || g.name === t) };
});

function threeCrates(tree: Tree): void {
  addCrate(tree, { name: 'app-core', dir: 'crates/app-core', bin: false, version: '1.2.0' });
  addCrate(tree, { name: 'app-cli', dir: 'crates/app-cli', deps: ['app-core'], version: '1.2.0' }, (n) => `crates/${n}`);
  addCrate(tree, { name: 'app-gpu', dir: 'crates/app-gpu', deps: ['app-core'], version: '1.2.0' }, (n) => `crates/${n}`);
  addCrate(tree, { name: 'internal-tests', dir: 'crates/internal-tests', bin: false, publish: false });
  // A cargo-fuzz crate: binaries, but publish = false.
  addCrate(tree, { name: 'app-fuzz', dir: 'crates/app-fuzz', publish: false });
  tree.write('Cargo.toml', '[workspace]\nmembers = ["crates/*"]\nresolver = "2"\n');
}

beforeAll(() => quietFormatterWarnings());

/** The options the generator recorded (OPTIONS_RECORD), parsed. */
const recorded = (tree: Tree) => JSON.parse(tree.read(OPTIONS_RECORD, 'utf-8')!);

describe('workflows generator', () => {
  let tree: Tree;
  let nxJsonBefore: string | null;
  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
    nxJsonBefore = tree.read('nx.json', 'utf-8');
  });
  // Nx hashes nx.json into every task: the generator must never write it.
  afterEach(() => expect(tree.read('nx.json', 'utf-8')).toBe(nxJsonBefore));

  it('writes the five files for one crate (snapshot) and records the options beside them, not in nx.json', async () => {
    addCrate(tree, { name: 'my-tool' });
    await workflowsGenerator(tree, {}, fixtureCrateFacts);
    const files = treeFiles(tree);
    for (const file of GENERATED_FILES) expect(files[file]).toMatchSnapshot(file);
    expect(recorded(tree)).toEqual({});
    expect(tree.listChanges().find((c) => c.path === WORKFLOW_FILES.script)?.options?.mode).toBe('755');
  });

  it('writes tag patterns, publish order and the GPU job for three crates (snapshot)', async () => {
    threeCrates(tree);
    await workflowsGenerator(tree, { gpuRunsOn: ['self-hosted', 'gpu'], nxCache: true, mainBranch: 'trunk' }, fixtureCrateFacts);
    const files = treeFiles(tree);
    for (const file of GENERATED_FILES) expect(files[file]).toMatchSnapshot(file);
    const release = files[WORKFLOW_FILES.release];
    // The default crates: the publishable ones; internal-tests and the fuzz crate (binaries, publish = false) are not released.
    expect(release).not.toContain('internal-tests');
    expect(release).not.toContain('app-fuzz');
    expect(files[WORKFLOW_FILES.script]).not.toContain('app-fuzz');
    for (const crate of ['app-cli', 'app-core', 'app-gpu']) expect(release).toContain(`- "${crate}-v*"`);
    // app-core publishes before the crates that depend on it.
    expect(release.indexOf('publish app-core')).toBeLessThan(release.indexOf('publish app-cli'));
    expect(release).toContain('runs-on: ["self-hosted", "gpu"]');
    expect(files[WORKFLOW_FILES.ci]).toContain('main-branch-name: "trunk"');
    expect(recorded(tree)).toEqual({ gpuRunsOn: ['self-hosted', 'gpu'], nxCache: true, mainBranch: 'trunk' });
  });

  it.each(['self-hosted', 'nx-cloud'] as const)('wires the %s remote cache into the workflows and explains it in RELEASE_PROCESS.md (snapshot)', async (remoteCache) => {
    addCrate(tree, { name: 'my-tool' });
    await workflowsGenerator(tree, { remoteCache }, fixtureCrateFacts);
    const files = treeFiles(tree);
    for (const file of [WORKFLOW_FILES.release, WORKFLOW_FILES.process]) expect(files[file]).toMatchSnapshot(file);
    expect(recorded(tree)).toEqual({ remoteCache });
  });

  it('takes every gate from the GATES registry', async () => {
    addCrate(tree, { name: 'my-tool' });
    await workflowsGenerator(tree, {}, fixtureCrateFacts);
    const doc = tree.read(WORKFLOW_FILES.process, 'utf-8')!;
    for (const gate of GATES) expect(doc).toContain(`| \`${gateTarget(gate)}\` |`);
    expect(tree.read(WORKFLOW_FILES.dryRun, 'utf-8')).toContain(GATES.map(gateTarget).join(', '));
  });

  it('changes nothing when run a second time (in the tree, and against the files on disk)', async () => {
    threeCrates(tree);
    await workflowsGenerator(tree, { crates: ['app-cli'], nxCache: true }, fixtureCrateFacts);
    const first = treeFiles(tree);
    await workflowsGenerator(tree, { crates: ['app-cli'], nxCache: true }, fixtureCrateFacts);
    expect(treeFiles(tree)).toEqual(first);

    const dir = materialize(tree);
    try {
      const overlay = new OverlayTree(dir);
      // As Nx runs it the second time, with no options: the generator takes the recorded ones.
      await workflowsGenerator(overlay, {}, fixtureCrateFacts);
      expect(overlay.listChanges()).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads the Rust toolchain from rust-toolchain.toml and the Node version from .nvmrc', async () => {
    addCrate(tree, { name: 'my-tool' });
    tree.write('rust-toolchain.toml', '[toolchain]\nchannel = "1.88.0"\ncomponents = ["rustfmt"]\n');
    tree.write('.nvmrc', 'v20.19.0\n');
    await workflowsGenerator(tree, {}, fixtureCrateFacts);
    const dryRun = tree.read(WORKFLOW_FILES.dryRun, 'utf-8')!;
    expect(dryRun).toContain('rustup toolchain install 1.88.0 --profile minimal');
    expect(dryRun).toContain('node-version: "20.19.0"');
  });

  it('uses the package manager of the lockfile', async () => {
    addCrate(tree, { name: 'my-tool' });
    tree.write('pnpm-lock.yaml', "lockfileVersion: '9.0'\n");
    await workflowsGenerator(tree, {}, fixtureCrateFacts);
    const ci = tree.read(WORKFLOW_FILES.ci, 'utf-8')!;
    expect(ci).toContain('pnpm/action-setup@v4');
    expect(ci).toContain('run: pnpm exec nx affected --targets=gate-build,gate-test,gate-doc');
  });

  it('refuses unknown crates and targets, and unsafe values, with one line each', async () => {
    addCrate(tree, { name: 'my-tool' });
    await expect(workflowsGenerator(tree, { crates: ['nope'] }, fixtureCrateFacts)).rejects.toThrow(/no crate named nope.*my-tool/);
    await expect(workflowsGenerator(tree, { ciTargets: ['build'] }, fixtureCrateFacts)).rejects.toThrow(/unknown target build/);
    await expect(workflowsGenerator(tree, { mainBranch: 'main; rm -rf /' }, fixtureCrateFacts)).rejects.toThrow(/mainBranch/);
  });

  it('packs the binaries cargo metadata lists: package x-find with [[bin]] x packs x, in the release and the dry run alike', async () => {
    addCrate(tree, { name: 'x-find', bins: ['x'] });
    await workflowsGenerator(tree, {}, fixtureCrateFacts);
    for (const file of [WORKFLOW_FILES.release, WORKFLOW_FILES.dryRun]) {
      const packs = tree.read(file, 'utf-8')!.split('\n').filter((line) => /^\s+pack \S/.test(line));
      expect([file, packs.map((line) => line.trim())]).toEqual([file, ['pack x-find x']]);
    }
  });

  it("fails with cargo's one line when cargo metadata cannot tell the binaries, writing nothing", async () => {
    addCrate(tree, { name: 'my-tool' });
    const reason = 'cannot tell which binaries my-tool/Cargo.toml builds (cargo metadata): cargo was not found on PATH';
    const noCargo = async () => {
      throw new CrateFactsError(reason);
    };
    await expect(workflowsGenerator(tree, {}, noCargo)).rejects.toThrow(reason);
    expect(tree.exists(WORKFLOW_FILES.release)).toBe(false);
  });

  it('leaves a file marked owned-by-hand alone', async () => {
    addCrate(tree, { name: 'my-tool' });
    const mine = '# nx-release-gates: owned-by-hand\nname: CI\non: push\njobs: {}\n';
    tree.write(WORKFLOW_FILES.ci, mine);
    await workflowsGenerator(tree, {}, fixtureCrateFacts);
    expect(tree.read(WORKFLOW_FILES.ci, 'utf-8')).toBe(mine);
  });

  it('takes the recorded options as its defaults: an option given again replaces its value, the others stay', async () => {
    threeCrates(tree);
    await workflowsGenerator(tree, { crates: ['app-cli'], nxCache: true }, fixtureCrateFacts);
    expect(tree.read(OPTIONS_RECORD, 'utf-8')).toBe('{\n  "crates": [\n    "app-cli"\n  ],\n  "nxCache": true\n}\n');
    await workflowsGenerator(tree, { mainBranch: 'trunk', nxCache: undefined }, fixtureCrateFacts);
    expect(recorded(tree)).toEqual({ crates: ['app-cli'], nxCache: true, mainBranch: 'trunk' });
    expect(tree.read(WORKFLOW_FILES.ci, 'utf-8')).toContain('main-branch-name: "trunk"');
    expect(tree.read(WORKFLOW_FILES.release, 'utf-8')).not.toContain('app-gpu');
  });

  it('refuses a record it cannot read in one line naming the file and the fix', async () => {
    addCrate(tree, { name: 'my-tool' });
    tree.write(OPTIONS_RECORD, '{ "nxCache": true,');
    await expect(workflowsGenerator(tree, {}, fixtureCrateFacts)).rejects.toThrow(/^\.github\/nx-release-gates\.json is not valid JSON \(.*\); fix it, or delete it and run `nx g nx-release-gates:workflows` again/);
    tree.write(OPTIONS_RECORD, '["nxCache"]\n');
    await expect(workflowsGenerator(tree, {}, fixtureCrateFacts)).rejects.toThrow(/must hold one JSON object/);
    tree.write(OPTIONS_RECORD, '{ "nxcache": true }\n');
    await expect(workflowsGenerator(tree, {}, fixtureCrateFacts)).rejects.toThrow(/^\.github\/nx-release-gates\.json: unknown option nxcache; known: crates, /);
  });
});

describe('drift check (gate-workflows)', () => {
  let dir: string;
  beforeEach(async () => {
    const tree = createTreeWithEmptyWorkspace();
    addCrate(tree, { name: 'my-tool' });
    await workflowsGenerator(tree, { nxCache: true }, fixtureCrateFacts);
    dir = materialize(tree);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('passes when the files are what the generator writes', async () => {
    const report = await checkWorkflowDrift(dir, GATES, fixtureCrateFacts);
    expect(report.generated).toBe(true);
    expect(report.files.map((f) => f.state)).toEqual(GENERATED_FILES.map(() => 'in-sync'));
  });

  it('reports a hand edit with a unified diff, and a missing file', async () => {
    const release = path.join(dir, WORKFLOW_FILES.release);
    fs.writeFileSync(release, fs.readFileSync(release, 'utf8').replace('name: Release\n', 'name: Release (edited)\n'));
    fs.rmSync(path.join(dir, WORKFLOW_FILES.process));
    const report = await checkWorkflowDrift(dir, GATES, fixtureCrateFacts);
    const byFile = Object.fromEntries(report.files.map((f) => [f.file, f]));
    expect(byFile[WORKFLOW_FILES.release].state).toBe('differs');
    expect(byFile[WORKFLOW_FILES.release].diff).toContain(`--- a/${WORKFLOW_FILES.release}`);
    expect(byFile[WORKFLOW_FILES.release].diff).toMatch(/^-name: Release \(edited\)$/m);
    expect(byFile[WORKFLOW_FILES.release].diff).toMatch(/^\+name: Release$/m);
    expect(byFile[WORKFLOW_FILES.process].state).toBe('missing');
    expect(byFile[WORKFLOW_FILES.ci].state).toBe('in-sync');
  });

  it('says a file is owned instead of comparing it', async () => {
    const ci = path.join(dir, WORKFLOW_FILES.ci);
    fs.writeFileSync(ci, `# nx-release-gates: owned-by-hand\n${fs.readFileSync(ci, 'utf8')}# my own step\n`);
    const report = await checkWorkflowDrift(dir, GATES, fixtureCrateFacts);
    expect(report.files.find((f) => f.file === WORKFLOW_FILES.ci)?.state).toBe('owned');
    expect(report.files.filter((f) => f.state === 'in-sync')).toHaveLength(GENERATED_FILES.length - 1);
  });

  it('sees changed options and a script that lost its executable bit', async () => {
    fs.writeFileSync(path.join(dir, OPTIONS_RECORD), JSON.stringify({ nxCache: false }));
    fs.chmodSync(path.join(dir, WORKFLOW_FILES.script), 0o644);
    const states = Object.fromEntries((await checkWorkflowDrift(dir, GATES, fixtureCrateFacts)).files.map((f) => [f.file, f.state]));
    expect(states[WORKFLOW_FILES.ci]).toBe('differs');
    expect(states[WORKFLOW_FILES.script]).toBe('not-executable');
  });

  it('reports nothing generated when no record of the options exists', async () => {
    fs.rmSync(path.join(dir, OPTIONS_RECORD));
    expect((await checkWorkflowDrift(dir, GATES, fixtureCrateFacts)).generated).toBe(false);
  });
});
