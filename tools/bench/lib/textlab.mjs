// Workspaces holding the benchmark crate (fixtures/textlab) alone, used by cold, warm, floor, remote and parallel,
// and the ways of releasing it that those benchmarks compare: release-dry-run, the original script and the raw cargo
// commands release-dry-run ran.
import * as path from 'node:path';
import { FIXTURE, SCRIPT } from './paths.mjs';
import { copyTree } from './util.mjs';

export const PROJECT = 'textlab';

/** The benchmark crate in a fresh workspace; release-dry-run runs the script's gates unless `everyGate`. */
export function textlabWorkspace(ctx, name, targetDirectory, { everyGate = false, files = () => {} } = {}) {
  return ctx.workspace(name, {
    targetDirectory,
    scriptGates: !everyGate,
    files: (root) => {
      copyTree(FIXTURE, path.join(root, PROJECT));
      files(root);
    },
  });
}

export function crateDir(ws) {
  return path.join(ws.root, PROJECT);
}

/** release-dry-run from an empty target directory, no earlier results and an empty Nx cache. */
export function coldDryRun(ws, { env = {}, label = 'cold release-dry-run' } = {}) {
  ws.clean(`${PROJECT}/target`, 'dist', '.nx');
  return ws.dryRun(PROJECT, { env, label });
}

/** Times the original process's release script in the crate folder. */
export function originalScript(ws, label) {
  return ws.sh(`bash ${JSON.stringify(SCRIPT)}`, { cwd: crateDir(ws), label });
}

/** The raw cargo commands the plugin ran (from the result files), as one bash script run in the crate folder. */
export function rawScript(ws, project, gates) {
  const results = ws.results(project);
  const lines = ['#!/usr/bin/env bash', '# The commands nx-release-gates ran for this crate (from dist/release-gates/*/gate-*.json), back to back.', 'set -uo pipefail', 'status=0'];
  let count = 0;
  for (const gate of gates) {
    const r = results[gate];
    if (!r) continue;
    for (const command of r.commands ?? []) {
      const env = gate === 'gate-doc' && r.details?.rustdocFlags ? `RUSTDOCFLAGS=${JSON.stringify(r.details.rustdocFlags)} ` : '';
      lines.push(`${env}${command} >/dev/null || status=$?`);
      count++;
    }
  }
  lines.push('exit $status');
  return { text: `${lines.join('\n')}\n`, count };
}
