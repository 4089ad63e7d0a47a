/**
 * release-plan: gathers what report/release-plan.ts decides from (nothing is built or run but Nx's hashing, which
 * runs the gates' runtime inputs, and one registry index lookup), writes dist/release-gates/<project>/release-plan.json
 * and prints the short plan. Not cached: the local cache and the registry change without any input changing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { GATE_SPECS, gateTarget, RELEASE_DRY_RUN, RELEASE_PLAN } from '../../model/catalog';
import { readCrateAt } from '../../ops/read-crates';
import { customTaskKey, taskHashes } from '../../ops/nx-task-hash';
import { cachedEntry, localCacheFolders } from '../../ops/nx-cache';
import { CRATES_IO_INDEX, indexName, lookUpCrate } from '../../ops/registry-index';
import { OPTIONS_RECORD } from '../../generators/workflows/workflow-files';
import { platformTargets } from '../../generators/workflows/platform-targets';
import { buildReleasePlan, PlanDryRunFact, PlanGateFact, planText, ReleasePlanInput } from '../../report/release-plan';
import { releaseReportFile } from '../../report/release-report';
import { DRY_RUN_GATES, whyDryRunRuns } from '../../cache-key/dry-run-key';
import { hashDryRun } from '../release-dry-run/dry-run-hasher';
import { resultFolder } from '../../report/result';
import { writeFileAtomic } from '../../util/files';
import { forWorkflowLog } from '../../util/workflow-text';

export interface ReleasePlanOptions {
  registryIndex?: string;
}

/** The workflows generator's recorded crates and targets; null without a record, a string when it cannot be read. */
function recordedWorkflows(workspaceRoot: string): ReleasePlanInput['workflows'] | string {
  const file = path.join(workspaceRoot, OPTIONS_RECORD);
  if (!fs.existsSync(file)) return null;
  let record: { crates?: unknown; targets?: unknown } | null;
  try {
    record = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    return `${OPTIONS_RECORD} is not valid JSON (${(error as Error).message.split('\n')[0]}); run nx g nx-release-gates:workflows to rewrite it`;
  }
  const targets = platformTargets(record?.targets, (_name, label) => label);
  if (typeof targets === 'string') return `${OPTIONS_RECORD}: ${targets}`;
  const crates = Array.isArray(record?.crates) ? record.crates.filter((c): c is string => typeof c === 'string') : null;
  return { crates, targets };
}

/** Each gate's hash and the local cache entry under it. */
async function gateFacts(context: ExecutorContext, project: string): Promise<{ gates: PlanGateFact[]; hashProblem: string | null }> {
  const configured = context.projectsConfigurations?.projects[project]?.targets ?? {};
  const specs = GATE_SPECS.filter((g) => configured[gateTarget(g)]);
  const cacheable = specs.filter((g) => g.cacheable).map(gateTarget);
  const hashes = context.projectGraph ? await taskHashes(context.root, context.projectGraph, project, cacheable) : 'no project graph in the executor context';
  const folders = localCacheFolders(context.root, process.env);
  const gates = specs.map((spec) => {
    const target = gateTarget(spec);
    const hash = typeof hashes === 'string' || !spec.cacheable ? null : (hashes[target] ?? null);
    const entry = hash ? cachedEntry(folders, hash, path.join(resultFolder(project), `${target}.json`)) : null;
    return { target, cacheable: spec.cacheable, hash, cached: entry ? { status: statusOf(entry.content) } : null };
  });
  return { gates, hashProblem: typeof hashes === 'string' ? hashes : null };
}

/** Whether the whole release-dry-run would replay: the rule, its key (Nx's hashing, without what Nx's call does beside it), the cache. */
async function dryRunFact(context: ExecutorContext, project: string): Promise<PlanDryRunFact | null> {
  const target = context.projectsConfigurations?.projects[project]?.targets?.[RELEASE_DRY_RUN];
  if (!target) return null;
  const mustRun = whyDryRunRuns({ gates: target.options?.gates, declaredGates: (target.metadata as Record<string, unknown> | undefined)?.[DRY_RUN_GATES], env: process.env, dryRunsInRun: 1, daemon: false });
  if (mustRun) return { mustRun, hash: null, problem: null, cached: null };
  if (!context.projectGraph) return { mustRun: null, hash: null, problem: 'no project graph in the executor context', cached: null };
  const key = await customTaskKey(context.root, context.projectGraph, project, RELEASE_DRY_RUN, (task, hashing) => hashDryRun(task, hashing as never, context.root));
  if (typeof key === 'string') return { mustRun: null, hash: null, problem: key, cached: null };
  const entry = cachedEntry(localCacheFolders(context.root, process.env), key.key, path.relative(context.root, releaseReportFile(context.root, project)));
  return { mustRun: null, hash: key.key, problem: null, cached: entry ? { status: statusOf(entry.content) } : null };
}

function statusOf(content: string | null): string | null {
  try {
    const status = content ? JSON.parse(content).status : null;
    return typeof status === 'string' ? status : null;
  } catch {
    return null;
  }
}

async function registryFacts(index: string, name: string, version: string): Promise<ReleasePlanInput['registry']> {
  const lookup = await lookUpCrate(index, name);
  const base = { name: indexName(index), index };
  if (lookup.kind === 'unreachable') return { ...base, published: null, problem: lookup.problem };
  return { ...base, published: lookup.kind === 'found' && lookup.versions.some((v) => v.version === version), problem: null };
}

export default async function releasePlan(options: ReleasePlanOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  const project = context.projectName!;
  const refuse = (message: string) => {
    console.error(forWorkflowLog(`✖ ${project}:${RELEASE_PLAN} failed: ${message}`));
    return { success: false };
  };
  const root = context.projectsConfigurations?.projects[project]?.root ?? '.';
  const crate = await readCrateAt(root, context.root).catch(() => null);
  if (!crate) return refuse(`cargo could not read the crate at ${root}; run \`cargo metadata\` there to see why`);
  if (crate.error) return refuse(crate.error);
  const workflows = recordedWorkflows(context.root);
  if (typeof workflows === 'string') return refuse(workflows);
  const publishOptions = context.projectsConfigurations?.projects[project]?.targets?.[gateTarget('publish')]?.options as { registryIndex?: string } | undefined;
  const index = options.registryIndex ?? publishOptions?.registryIndex ?? CRATES_IO_INDEX;
  const plan = buildReleasePlan({
    project,
    crate: { name: crate.name, version: crate.version, binaries: [...crate.binaries].sort(), publish: crate.publish },
    createdAt: new Date().toISOString(),
    ...(await gateFacts(context, project)),
    dryRun: await dryRunFact(context, project),
    workflows,
    registry: await registryFacts(index, crate.name, crate.version),
  });
  const file = path.join(context.root, resultFolder(project), `${RELEASE_PLAN}.json`);
  try {
    writeFileAtomic(file, `${JSON.stringify(plan, null, 2)}\n`);
  } catch (error) {
    return refuse(`cannot write ${path.relative(context.root, file)} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); make it writable and run again`);
  }
  console.log(forWorkflowLog(planText(plan)));
  console.log(`\nPlan: ${path.relative(context.root, file)}`);
  return { success: true };
}
