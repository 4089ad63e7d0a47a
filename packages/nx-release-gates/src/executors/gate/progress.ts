/**
 * What a person watching the run sees of a gate while it runs: one line when it really starts (its locks taken),
 * the heartbeat while cargo is silent, and one line with its final status and time when it ends, each naming the
 * crate and the gate. Without a terminal Nx prints a task's output only once the task has ended (or hides it), and
 * keeps it to replay from its cache, so these lines go straight to the person's stream (a CI log's pipe): they show as
 * they happen and a replay never repeats them. Where that stream cannot take them directly (no /proc, a file, a
 * socket) or is a terminal (Nx already shows the task's output as it comes, or draws its own screen over it), the
 * heartbeat goes with the gate's output and the start and end lines are left to Nx and the gate's verdict line.
 */
import { formatDuration } from '../../util/format';
import { oneLine } from '../../util/workflow-text';
import { STATUS_MARK } from '../../report/console';
import type { GateStatus } from '../../report/result';

export interface GateProgress {
  /** The gate holds its locks and begins. */
  started(): void;
  /** A line while the gate runs (the heartbeat). */
  say(line: string): void;
  /** The gate's final status (after its result file is written, or its failure to write it). */
  ended(status: GateStatus): void;
}

/**
 * `what` names the crate and the gate (sd:gate-build); `live` writes to the person's stream, or is null where there is
 * none to use; `gateOutput` is the gate's own output; `now` is in milliseconds.
 */
export function gateProgress(what: string, live: ((line: string) => void) | null, gateOutput: (line: string) => void, now: () => number): GateProgress {
  // Crate names and cargo's status lines are text from users and tools: nothing in them may act as a workflow command.
  if (!live) return { started: () => {}, say: (line) => gateOutput(oneLine(line)), ended: () => {} };
  let since: number | null = null;
  return {
    started: () => {
      since = now();
      live(oneLine(`▶ ${what} started`));
    },
    say: (line) => live(oneLine(line)),
    ended: (status) => {
      const took = since === null ? '' : ` in ${formatDuration(Math.max(0, now() - since))}`;
      live(oneLine(`${STATUS_MARK[status]} ${what} ${status}${took}`));
    },
  };
}
