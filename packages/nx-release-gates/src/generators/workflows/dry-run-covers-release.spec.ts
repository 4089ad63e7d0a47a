/**
 * The release is the dry run, replayed: for every option set the actionlint suite covers, each job of release.yml
 * but the publish and the GitHub release is a job of release-dry-run.yml, and each of its steps (by its `run` command
 * or the action it `uses`) is a step of the dry run's job. A step the release runs and the dry run never ran would
 * fail only on the tag; this test fails first.
 */
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { parse as parseYaml } from 'yaml';
import { workflowsGenerator } from './generator';
import { RELEASE_ONLY_JOBS } from './model';
import { WORKFLOW_FILES } from './workflow-files';
import { fixtureCrateFacts } from './testing/crate-facts';
import { quietFormatterWarnings } from './testing/fixtures';
import { OPTION_SETS } from './testing/option-sets';

/** The release's own jobs, by name: the publish itself and the GitHub release itself. Nothing else is left out. */
const RELEASE_ONLY: Record<string, string> = { publish: 'the publish itself', 'github-release': 'the GitHub release itself' };

type Step = { run?: string; uses?: string; name?: string };
type Workflow = { jobs: Record<string, { steps: Step[]; strategy?: unknown }> };

/** A step as the runner sees what it does: the action it uses, or the commands it runs. */
const stepKey = (step: Step) => (step.uses !== undefined ? `uses: ${step.uses}` : `run: ${step.run}`);

async function workflows(set: (typeof OPTION_SETS)[number]): Promise<{ release: Workflow; dryRun: Workflow }> {
  const tree = createTreeWithEmptyWorkspace();
  set.crates(tree);
  set.extra?.(tree);
  await workflowsGenerator(tree, set.options, fixtureCrateFacts);
  const read = (file: string) => parseYaml(tree.read(file, 'utf-8')!) as Workflow;
  return { release: read(WORKFLOW_FILES.release), dryRun: read(WORKFLOW_FILES.dryRun) };
}

/** What release.yml runs that the dry run does not: `job: step` lines. */
function notRehearsed(release: Workflow, dryRun: Workflow): string[] {
  const missing: string[] = [];
  for (const [jobName, job] of Object.entries(release.jobs)) {
    if (jobName in RELEASE_ONLY) continue;
    const rehearsal = dryRun.jobs[jobName];
    if (!rehearsal) {
      missing.push(`${jobName}: the whole job`);
      continue;
    }
    const rehearsed = new Set(rehearsal.steps.map(stepKey));
    for (const step of job.steps) if (!rehearsed.has(stepKey(step))) missing.push(`${jobName}: ${step.name ?? stepKey(step).split('\n')[0]}`);
  }
  return missing;
}

jest.setTimeout(120_000);
beforeAll(() => quietFormatterWarnings());

describe('the dry run runs every step of the release but the publish and the GitHub release', () => {
  it('names the same release-only jobs as the model', () => {
    expect(Object.keys(RELEASE_ONLY).sort()).toEqual([...RELEASE_ONLY_JOBS].sort());
  });

  it.each(OPTION_SETS.map((set) => [set.name, set] as const))('%s', async (_name, set) => {
    const { release, dryRun } = await workflows(set);
    expect(notRehearsed(release, dryRun)).toEqual([]);
    // The same platform matrix, so each step runs on the same runners for the same targets.
    expect(dryRun.jobs.build.strategy).toEqual(release.jobs.build.strategy);
    // The release's own jobs are still there: the check above left out only what it names.
    for (const job of Object.keys(RELEASE_ONLY)) expect(release.jobs[job]).toBeDefined();
  });

  it('fails on a release step the dry run lacks (the check is live)', async () => {
    const { release, dryRun } = await workflows(OPTION_SETS[0]);
    const build = dryRun.jobs.build;
    const withoutPack = { jobs: { ...dryRun.jobs, build: { ...build, steps: build.steps.filter((s) => !String(s.name).startsWith('Pack')) } } };
    expect(notRehearsed(release, withoutPack)).toEqual(['build: Pack the ${{ matrix.target }} binaries the gates built']);
  });
});
