/**
 * `nx g nx-release-gates:workflows`: writes the dry-run, release and CI workflows, scripts/dry-run-release.sh and
 * RELEASE_PROCESS.md from one set of options, and records those options in nx.json (generators >
 * nx-release-gates:workflows) so that the next run and gate-workflows use the same ones.
 */
import { logger, readNxJson, Tree, updateNxJson } from '@nx/devkit';
import { GATE_SPECS } from '../../model/catalog';
import { cargoCrateFacts, CrateFacts } from './crate-facts';
import { GENERATOR_KEY, optionsToRecord } from './options';
import { renderWorkflows } from './render';
import type { WorkflowsGeneratorSchema } from './schema';

/** `facts`: Nx passes none (cargo metadata of the workspace on disk); unit tests on in-memory trees pass fixtures. */
export async function workflowsGenerator(tree: Tree, schema: WorkflowsGeneratorSchema, facts: CrateFacts = cargoCrateFacts): Promise<void> {
  const toRecord = optionsToRecord(schema);
  const result = await renderWorkflows(tree, toRecord, GATE_SPECS, facts);
  recordOptions(tree, toRecord);
  for (const file of result.owned) logger.info(`nx-release-gates: ${file} is owned by hand (it carries "# nx-release-gates: owned-by-hand"); left as it is`);
}

/** Writes the options under nx.json generators, only when they changed (so a second run leaves nx.json untouched). */
function recordOptions(tree: Tree, options: WorkflowsGeneratorSchema): void {
  const nxJson = readNxJson(tree) ?? {};
  const generators = { ...((nxJson.generators ?? {}) as Record<string, any>) };
  if (JSON.stringify(generators[GENERATOR_KEY]) === JSON.stringify(options)) return;
  generators[GENERATOR_KEY] = options;
  updateNxJson(tree, { ...nxJson, generators });
}

export default workflowsGenerator;
