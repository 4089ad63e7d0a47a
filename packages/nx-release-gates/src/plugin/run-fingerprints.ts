/**
 * The fingerprints of this run (cache-key/fingerprint-env.ts), for the preTasksExecution hook: every fingerprint
 * variable the gates of the project graph hash, computed in this one process and set in process.env, which Nx hands
 * to the task hashing and the tasks (with the daemon on, Nx copies what the hook set back to the terminal's process).
 * Nothing here fails a run: a graph that cannot be read leaves the variables unset, and the gates then run rather
 * than replay (the shared check input prints a value of its own).
 */
import type { ProjectGraph } from '@nx/devkit';
import { fingerprintVariableArgs } from '../cache-key/fingerprint-env';
import { fingerprintVariables } from '../cache-key/fingerprint-run';

/** The fingerprint variables the graph's targets hash, each with the request its name holds. */
export function fingerprintRequestsIn(graph: Pick<ProjectGraph, 'nodes'>): Map<string, string[]> {
  const requests = new Map<string, string[]>();
  for (const node of Object.values(graph.nodes)) {
    for (const target of Object.values(node.data.targets ?? {})) {
      for (const input of target.inputs ?? []) {
        const name = typeof input === 'object' && input !== null && 'env' in input && typeof input.env === 'string' ? input.env : null;
        const args = name && !requests.has(name) ? fingerprintVariableArgs(name) : null;
        if (name && args) requests.set(name, args);
      }
    }
  }
  return requests;
}

/** Sets the run's fingerprint variables in `env`; returns how many requests there were, or null when it could not. */
export async function exportFingerprints(workspaceRoot: string, readGraph: () => Pick<ProjectGraph, 'nodes'>, env: NodeJS.ProcessEnv = process.env): Promise<number | null> {
  let graph: Pick<ProjectGraph, 'nodes'>;
  try {
    graph = readGraph();
  } catch {
    return null;
  }
  const requests = fingerprintRequestsIn(graph);
  let values: Record<string, string>;
  try {
    values = await fingerprintVariables(workspaceRoot, [...requests.values()], { ...env });
  } catch {
    return null;
  }
  for (const [name, value] of Object.entries(values)) env[name] = value;
  return requests.size;
}
