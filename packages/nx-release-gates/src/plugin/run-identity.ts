/**
 * One identity per Nx run, recorded in every result file a gate writes (result.run.runId), so a reader can tell
 * which run computed a result, and a replayed result names the run it came from. Set by the preTasksExecution hook
 * (Nx passes the variable to every task, with the daemon on or off) unless the caller set it already (release-dry-run
 * hands its own to the nested run; a workflow may set it to the CI run id).
 */
import * as crypto from 'node:crypto';
import { RUN_ID_VARIABLE } from '../model/freshness';

export function ensureRunId(env: NodeJS.ProcessEnv = process.env): void {
  if (!env[RUN_ID_VARIABLE]) env[RUN_ID_VARIABLE] = crypto.randomUUID();
}
