/**
 * "Does this belong to this run?", the one question every reader of a file on disk asks before judging it. A result
 * or report an earlier run left (this run was skipped, failed before writing, or excluded the task) must never read
 * as this run's verdict. What can be asked depends on what the reader knows:
 *
 * - the task Nx scheduled now: the result records that task's hash (`resultBelongsToTask`), which also holds for a
 *   result Nx replayed from a cache for the same inputs;
 * - the run's identity (NX_RELEASE_GATES_RUN_ID): the result records that run id (`resultBelongsToRun`);
 * - only when the run started: the file, or the run that wrote it, is not older than that (`fileWrittenDuring`,
 *   `startedDuring`), within CLOCK_SLACK_MS.
 */

/**
 * The variable that carries the run's identity to every task (set by the preTasksExecution hook unless the caller
 * set it: release-dry-run hands its own to its nested run; a workflow may set the CI run id).
 */
export const RUN_ID_VARIABLE = 'NX_RELEASE_GATES_RUN_ID';

/** How a result names the run that computed it (GateResult.run). */
export interface RunStamp {
  taskHash?: string | null;
  runId?: string | null;
}

export interface Stamped {
  run?: RunStamp;
}

/**
 * Two times compared here come from different clocks: a file system's (coarse: FAT keeps 2 s, HFS+ and some network
 * mounts 1 s, and a network mount uses the server's clock) and the one of the process that noted the start. A file
 * written just after the start may carry a time up to this much earlier. Far shorter than any run that could have
 * left the file, so nothing an earlier run wrote passes.
 */
export const CLOCK_SLACK_MS = 2000;

/** The result was computed (or replayed) for the task with this hash; never when the hash is unknown. */
export function resultBelongsToTask(result: Stamped, taskHash: string | undefined | null): boolean {
  return !!taskHash && result.run?.taskHash === taskHash;
}

/** The result was written during the run with this id; never when the id is unknown. */
export function resultBelongsToRun(result: Stamped | null | undefined, runId: string | undefined | null): boolean {
  return !!runId && result?.run?.runId === runId;
}

/** A file a tool wrote (its mtime) during the gate or run that started at `startedAt`. */
export function fileWrittenDuring(mtimeMs: number, startedAt: Date | number): boolean {
  return mtimeMs >= new Date(startedAt).getTime() - CLOCK_SLACK_MS;
}

/** A report whose own start time (ISO text) is not before the run that started at `runStartMs`. */
export function startedDuring(startedAt: string, runStartMs: number): boolean {
  return Date.parse(startedAt) >= runStartMs - CLOCK_SLACK_MS;
}

/** The stamp a gate's result carries: the Nx task's hash and the run id, as the task's environment names them. */
export function runStampFrom(env: Readonly<Record<string, string | undefined>>): Required<RunStamp> {
  return { taskHash: env.NX_TASK_HASH ?? null, runId: env[RUN_ID_VARIABLE] ?? null };
}
