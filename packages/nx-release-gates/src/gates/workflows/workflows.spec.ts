import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { workflowsGenerator } from '../../generators/workflows/generator';
import { OPTIONS_RECORD, WORKFLOW_FILES } from '../../generators/workflows/render';
import { addCrate, materialize, quietFormatterWarnings } from '../../generators/workflows/testing/fixtures';
import type { GateResult } from '../../report/result';
import type { GateContext } from '../types';
import type { DriftReport } from '../../generators/workflows/drift';
import { judgeWorkflows, workflowsGate } from './workflows';
import { fixtureCrateFacts } from '../../generators/workflows/testing/crate-facts';

// The gate regenerates the files with cargo's answer about the crates; here the fixtures addCrate declares answer.
jest.mock('../../generators/workflows/crate-facts', () => ({
  ...jest.requireActual('../../generators/workflows/crate-facts'),
  cargoCrateFacts: jest.requireActual('../../generators/workflows/testing/crate-facts').fixtureCrateFacts,
}));

beforeAll(() => quietFormatterWarnings());

const printed: string[] = [];
const contextFor = (workspaceRoot: string) => ({ workspaceRoot, log: { info: (t: string) => printed.push(t), warn: (t: string) => printed.push(t) } }) as unknown as GateContext;
const asResult = (details: Record<string, unknown>) => ({ details }) as unknown as GateResult;

describe('gate-workflows', () => {
  let dir: string;
  beforeEach(async () => {
    const tree = createTreeWithEmptyWorkspace();
    addCrate(tree, { name: 'my-tool' });
    await workflowsGenerator(tree, {}, fixtureCrateFacts);
    dir = materialize(tree);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('passes when the files are in sync', async () => {
    const outcome = await workflowsGate.run(contextFor(dir));
    expect(outcome.status).toBe('passed');
    expect(workflowsGate.keyFigure(asResult(outcome.details!))).toBe('5 in sync');
  });

  it('fails after a hand edit, naming the file and how to update, with the diff in details', async () => {
    const release = path.join(dir, WORKFLOW_FILES.release);
    fs.appendFileSync(release, '# edited\n');
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const outcome = await workflowsGate.run(contextFor(dir));
    log.mockRestore();
    expect(outcome.status).toBe('failed');
    expect(outcome.reason).toContain(WORKFLOW_FILES.release);
    expect(outcome.reason).toContain('nx g nx-release-gates:workflows');
    expect((outcome.details!.diffs as Record<string, string>)[WORKFLOW_FILES.release]).toMatch(/^-# edited$/m);
    expect(workflowsGate.keyFigure(asResult(outcome.details!))).toBe('1 out of date');
  });

  it('says a file is owned by hand instead of failing', async () => {
    const release = path.join(dir, WORKFLOW_FILES.release);
    fs.writeFileSync(release, `# nx-release-gates: owned-by-hand\n${fs.readFileSync(release, 'utf8')}# edited\n`);
    const outcome = await workflowsGate.run(contextFor(dir));
    expect(outcome.status).toBe('passed');
    expect(outcome.reason).toContain(`owned by hand, not compared: ${WORKFLOW_FILES.release}`);
    expect(workflowsGate.keyFigure(asResult(outcome.details!))).toBe('4 in sync, 1 owned by hand');
  });

  it('is skipped where the generator never ran', async () => {
    fs.rmSync(path.join(dir, OPTIONS_RECORD));
    expect((await workflowsGate.run(contextFor(dir))).status).toBe('skipped');
  });

  it('fails with the reason when the recorded options are wrong', async () => {
    fs.writeFileSync(path.join(dir, OPTIONS_RECORD), JSON.stringify({ crates: ['gone'] }));
    const outcome = await workflowsGate.run(contextFor(dir));
    expect(outcome.status).toBe('failed');
    expect(outcome.reason).toMatch(/no crate named gone/);
  });
});

describe('judgeWorkflows', () => {
  const report = (files: DriftReport['files'], generated = true): DriftReport => ({ generated, files });

  it('passes files in sync, and counts owned-by-hand files as not compared', () => {
    const outcome = judgeWorkflows(report([{ file: 'a.yml', state: 'in-sync' }, { file: 'b.yml', state: 'owned' }]));
    expect(outcome).toMatchObject({ status: 'passed', reason: "1 generated file(s) match the generator's output; owned by hand, not compared: b.yml" });
    expect(outcome.details).toEqual({ files: [{ file: 'a.yml', state: 'in-sync' }, { file: 'b.yml', state: 'owned' }], checked: 1 });
  });

  it('fails on each kind of drift, with the diffs it has in details', () => {
    const outcome = judgeWorkflows(
      report([
        { file: 'a.yml', state: 'differs', diff: '-x\n+y' },
        { file: 'b.yml', state: 'missing', diff: '+y' },
        { file: 'run.sh', state: 'not-executable' },
        { file: 'c.yml', state: 'in-sync' },
      ]),
    );
    expect(outcome.status).toBe('failed');
    expect(outcome.reason).toMatch(/^a\.yml \(differs\), b\.yml \(missing\), run\.sh \(not-executable\) out of date with the generator's output; run `nx g nx-release-gates:workflows` to update/);
    expect(outcome.details).toMatchObject({ checked: 4, diffs: { 'a.yml': '-x\n+y', 'b.yml': '+y' } });
    expect(Object.keys(outcome.details!.diffs as object)).toEqual(['a.yml', 'b.yml']);
  });

  it('is skipped when the generator never ran', () => {
    expect(judgeWorkflows(report([], false))).toMatchObject({ status: 'skipped', details: { files: [], checked: 0 } });
  });
});
