/**
 * Writes the workflow files into a Tree: the options are normalized, turned into the data model (model.ts), and
 * the EJS templates under files/ (with their partials under partials/) write every file from it. The generator calls
 * this on Nx's tree; gate-workflows calls it on an in-memory overlay of the workspace and compares the result with
 * the committed files, so both produce byte-identical output from the same options and gate list.
 *
 * A file carrying the ownership marker (workflow-files.ts) is the user's: it is never overwritten.
 */
import { formatFiles, generateFiles, Tree } from '@nx/devkit';
import * as path from 'node:path';
import type { GateSpec } from '../../model/catalog';
import { cargoCrateFacts, CrateFacts } from './crate-facts';
import { readCratesInTree } from './crates-in-tree';
import { WorkflowModel, workflowModel } from './model';
import { NormalizedWorkflowsOptions, normalizeOptions } from './options';
import type { WorkflowsGeneratorSchema } from './schema';
import { GENERATED_FILES, isOwnedByHand, WORKFLOW_FILES } from './workflow-files';

export { GENERATED_FILES, isOwnedByHand, OPTIONS_RECORD, OWNED_MARKER, WORKFLOW_FILES } from './workflow-files';

export interface RenderResult {
  options: NormalizedWorkflowsOptions;
  /** Every file the generator manages. */
  files: string[];
  /** Files left alone because they carry the ownership marker. */
  owned: string[];
}

/**
 * `gates`: the gates the files list and the ciTargets option may name (the plugin's catalog); `facts`: what cargo says
 * about the crates (cargo metadata of the workspace on disk unless a test passes fixtures).
 */
export async function renderWorkflows(
  tree: Tree,
  schema: WorkflowsGeneratorSchema,
  gates: readonly GateSpec[],
  facts: CrateFacts = cargoCrateFacts,
): Promise<RenderResult> {
  const options = normalizeOptions(tree, schema, gates, await readCratesInTree(tree, facts));
  const owned = GENERATED_FILES.filter((file) => isOwnedByHand(tree.read(file, 'utf-8')));
  const keep = new Map(owned.map((file) => [file, tree.read(file)!]));

  generateFiles(tree, path.join(__dirname, 'files'), '.', templateVariables(workflowModel(options, gates)));
  // Owned files get their own content back (a tree records no change for a file restored to what it was).
  for (const [file, content] of keep) tree.write(file, content);

  if (!owned.includes(WORKFLOW_FILES.script) && tree.listChanges().some((c) => c.path === WORKFLOW_FILES.script && c.type !== 'DELETE')) {
    tree.changePermissions(WORKFLOW_FILES.script, '755');
  }
  if (!options.skipFormat) await formatFiles(tree);
  return { options, files: [...GENERATED_FILES], owned };
}

/**
 * What the templates see: the model, the file name substitutions (__dot__github -> .github, *.template -> *), and
 * `q`, which quotes a value as a YAML double-quoted scalar (JSON strings are valid YAML).
 */
export function templateVariables(model: WorkflowModel) {
  return { dot: '.', tmpl: '', q: (value: string) => JSON.stringify(value), ...model };
}
