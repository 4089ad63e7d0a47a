/**
 * Before every Nx run (nx run, run-many, affected), once, in the process that runs the plugin (the daemon's, when it
 * is on; Nx copies every variable set here to the terminal's process, its task hashing and its tasks): the run's
 * identity, the fingerprints every gate hashes, and the check of a self-hosted remote cache.
 */
import type { PreTasksExecution } from '@nx/devkit';
// The module @nx/devkit takes it from: the plugin worker that runs this hook has loaded it already, while @nx/devkit's
// index would load Nx's task runner and generators (about 80 ms; with the daemon on, Nx starts a new plugin worker for
// this hook on every run).
import { readCachedProjectGraph } from 'nx/src/project-graph/project-graph';
import { ensureRunId } from './run-identity';
import { exportFingerprints } from './run-fingerprints';
import { checkRemoteCache } from './remote-cache-check';

export const preTasksExecution: PreTasksExecution = async (_options, context) => {
  ensureRunId();
  await Promise.all([exportFingerprints(context.workspaceRoot, () => readCachedProjectGraph()), checkRemoteCache()]);
};
