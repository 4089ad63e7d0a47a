/**
 * `nx g nx-release-gates:workflows`: writes the dry-run, release and CI workflows, scripts/dry-run-release.sh and
 * RELEASE_PROCESS.md from one set of options, and records those options in .github/nx-release-gates.json
 * (OPTIONS_RECORD) so that the next run and gate-workflows use the same ones. It never touches nx.json: Nx hashes
 * nx.json into every task, so a record there re-keyed every gate of every crate on each generator run.
 */
import { logger, Tree } from '@nx/devkit';
import { GATE_SPECS } from '../../model/catalog';
import { cargoCrateFacts, CrateFacts } from './crate-facts';
import { optionsToRecord, recordedOptions, recordOptions } from './options';
import { renderWorkflows } from './render';
import type { WorkflowsGeneratorSchema } from './schema';

/**
 * `schema`: the options given now, over the recorded ones. `facts`: Nx passes none (cargo metadata of the workspace on
 * disk); unit tests on in-memory trees pass fixtures.
 */
export async function workflowsGenerator(tree: Tree, schema: WorkflowsGeneratorSchema, facts: CrateFacts = cargoCrateFacts): Promise<void> {
  // An option given as undefined keeps the recorded value.
  const toRecord = optionsToRecord({ ...recordedOptions(tree), ...optionsToRecord(schema) });
  const result = await renderWorkflows(tree, toRecord, GATE_SPECS, facts);
  recordOptions(tree, toRecord);
  for (const file of result.owned) logger.info(`nx-release-gates: ${file} is owned by hand (it carries "# nx-release-gates: owned-by-hand"); left as it is`);
}

export default workflowsGenerator;
