// Workspaces holding the benchmark crate (fixtures/textlab) alone, used by cold, warm, floor, remote and parallel,
// and the two ways of releasing it that those benchmarks compare: release-dry-run and the original script.
import * as path from 'node:path';
import { FIXTURE, SCRIPT } from './paths.mjs';
import { copyTree } from './util.mjs';

export const PROJECT = 'textlab';

/** A workspace with the fixture under `textlab/`; release-dry-run limited to the script's gates. */
/** The benchmark crate in a fresh workspace; release-dry-run runs the script's gates unless `everyGate`. */
export function textlabWorkspace(ctx, name, targetDirectory, { everyGate = false } = {}) {
  return ctx.workspace(name, { targetDirectory, scriptGates: !everyGate, files: (root) => copyTree(FIXTURE, path.join(root, PROJECT)) });
}

export function crateDir(ws) {
  return path.join(ws.root, PROJECT);
}

/** release-dry-run from an empty target directory, no earlier results and an empty Nx cache. */
export function coldDryRun(ws) {
  ws.clean(`${PROJECT}/target`, 'dist', '.nx');
  return ws.dryRun(PROJECT, { label: 'cold release-dry-run' });
}

/** Times the original process's release script in the crate folder. */
export function originalScript(ws, label) {
  return ws.sh(`bash ${JSON.stringify(SCRIPT)}`, { cwd: crateDir(ws), label });
}
