/** What a gate prints when it ends: one line with its status and reason, and where the result file is. */
import { forWorkflowLog } from '../util/workflow-text';
import type { GateResult, GateStatus } from './result';

/** The mark in front of a gate's status wherever a line names it. */
export const STATUS_MARK: Record<GateStatus, string> = { passed: '✔', failed: '✖', fallback: '↓', skipped: '–', interrupted: '✖' };

export function printGateLine(result: GateResult, file: string): void {
  const line = `${STATUS_MARK[result.status]} ${result.project}:${result.gate} ${result.status}: ${stripPrefix(result)} [${file}]`;
  // The reason may quote a tool or the user (cargo's message, a test name, an emergency reason).
  (result.status === 'failed' || result.status === 'interrupted' ? console.error : console.log)(forWorkflowLog(line));
}

function stripPrefix(result: GateResult): string {
  const prefix = `${result.project}:${result.gate}: `;
  return result.reason.startsWith(prefix) ? result.reason.slice(prefix.length) : result.reason;
}
