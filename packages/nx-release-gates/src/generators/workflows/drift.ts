/**
 * The drift check behind gate-workflows: regenerate the workflow files in memory from the options recorded in
 * .github/nx-release-gates.json (OPTIONS_RECORD) and the gate list the caller passes (the plugin's catalog), and
 * compare them with the files in the workspace.
 */
import type { GateSpec } from '../../model/catalog';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cargoCrateFacts, CrateFacts } from './crate-facts';
import { unifiedDiff } from './diff';
import { recordedOptions } from './options';
import { OverlayTree } from './overlay-tree';
import { isOwnedByHand, renderWorkflows, WORKFLOW_FILES } from './render';

export type FileState = 'in-sync' | 'differs' | 'missing' | 'not-executable' | 'owned';

export interface DriftReport {
  /** False when the workflows generator never ran here (no OPTIONS_RECORD). */
  generated: boolean;
  files: { file: string; state: FileState; diff?: string }[];
}

/** `facts`: as the generator's (cargo metadata of the workspace unless a test passes fixtures). */
export async function checkWorkflowDrift(workspaceRoot: string, gates: readonly GateSpec[], facts: CrateFacts = cargoCrateFacts): Promise<DriftReport> {
  const tree = new OverlayTree(workspaceRoot);
  const options = recordedOptions(tree);
  if (!options) return { generated: false, files: [] };
  const result = await renderWorkflows(tree, options, gates, facts);
  const files: DriftReport['files'] = [];
  for (const file of result.files) {
    const absolute = path.join(workspaceRoot, file);
    const committed = fs.existsSync(absolute) ? fs.readFileSync(absolute, 'utf8') : null;
    if (committed !== null && isOwnedByHand(committed)) {
      files.push({ file, state: 'owned' });
      continue;
    }
    const expected = tree.read(file, 'utf-8') ?? '';
    if (committed === null) {
      files.push({ file, state: 'missing', diff: unifiedDiff('', expected, `a/${file}`, `b/${file}`) });
    } else if (committed !== expected) {
      files.push({ file, state: 'differs', diff: unifiedDiff(committed, expected, `a/${file}`, `b/${file}`) });
    } else if (file === WORKFLOW_FILES.script && process.platform !== 'win32' && (fs.statSync(absolute).mode & 0o111) === 0) {
      files.push({ file, state: 'not-executable' });
    } else {
      files.push({ file, state: 'in-sync' });
    }
  }
  return { generated: true, files };
}

