import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import * as fs from 'node:fs';
import type { GateSpec } from '../../model/catalog';
import { checkWorkflowDrift } from './drift';
import { renderWorkflows } from './render';
import { addCrate, materialize, quietFormatterWarnings } from './testing/fixtures';
import { OPTIONS_RECORD, WORKFLOW_FILES } from './workflow-files';
import { fixtureCrateFacts } from './testing/crate-facts';

beforeAll(() => quietFormatterWarnings());

const gates: GateSpec[] = [
  { name: 'build', description: 'Builds.', cacheable: true },
  { name: 'test', description: 'Tests.', cacheable: true },
];

describe('checkWorkflowDrift', () => {
  let dir: string;
  beforeEach(async () => {
    const tree = createTreeWithEmptyWorkspace();
    addCrate(tree, { name: 'my-tool' });
    const recorded = { ciTargets: ['gate-build'] };
    tree.write(OPTIONS_RECORD, JSON.stringify(recorded));
    await renderWorkflows(tree, recorded, gates, fixtureCrateFacts);
    dir = materialize(tree);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('renders with the gate list it is given: the same list is in sync, another one is drift', async () => {
    expect((await checkWorkflowDrift(dir, gates, fixtureCrateFacts)).files.every((f) => f.state === 'in-sync')).toBe(true);
    const more = [...gates, { name: 'doc', description: 'Docs.', cacheable: true }];
    const states = Object.fromEntries((await checkWorkflowDrift(dir, more, fixtureCrateFacts)).files.map((f) => [f.file, f.state]));
    // The dry run, the script and RELEASE_PROCESS.md list every gate; CI runs the ciTargets option's.
    expect(states).toEqual({
      [WORKFLOW_FILES.dryRun]: 'differs',
      [WORKFLOW_FILES.release]: 'differs',
      [WORKFLOW_FILES.ci]: 'in-sync',
      [WORKFLOW_FILES.script]: 'differs',
      [WORKFLOW_FILES.process]: 'differs',
    });
  });
});
