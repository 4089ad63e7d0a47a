/**
 * The emergency path: skip named gates for one run, only with a reason, so a hotfix can ship past a gate that
 * cannot pass in time and the skip stays visible.
 * RELEASE_GATES_SKIP=gate-doc,gate-cuda RELEASE_GATES_SKIP_REASON="CVE-2026-1234 hotfix". Both variables are cache
 * inputs of every gate, so a skipped result is never replayed into a normal run. RELEASE_GATES_SKIP_UNTIL (YYYY-MM-DD)
 * makes a skip expire: after that day it is refused before any gate runs.
 */
import { hasControlCharacter } from '../util/workflow-text';

export const SKIP_VARIABLE = 'RELEASE_GATES_SKIP';
export const SKIP_REASON_VARIABLE = 'RELEASE_GATES_SKIP_REASON';
/** Optional last day (YYYY-MM-DD, UTC) the skip may be used; after it the skip is refused. */
export const SKIP_UNTIL_VARIABLE = 'RELEASE_GATES_SKIP_UNTIL';

export interface EmergencySkip {
  gates: string[];
  reason: string;
  /** The last day the skip is valid (YYYY-MM-DD), or null when it has no expiry (the summary says so). */
  until: string | null;
}

export class EmergencySkipError extends Error {}

/**
 * A reason is one line of text and a gate list is names: a line break or another control character in either is
 * refused, so neither can add lines to $GITHUB_OUTPUT, the log or the step summary. The refusal names the variable
 * and the character's position, never the value itself.
 */
function refuseControlCharacters(env: NodeJS.ProcessEnv): void {
  for (const variable of [SKIP_VARIABLE, SKIP_REASON_VARIABLE]) {
    const value = env[variable] ?? '';
    if (!hasControlCharacter(value)) continue;
    const at = [...value].findIndex((c) => hasControlCharacter(c));
    throw new EmergencySkipError(
      `${variable} holds a line break or control character (character ${at + 1}); write it on one line of plain text, e.g. ${variable === SKIP_VARIABLE ? 'gate-doc,gate-cuda' : '"CVE-2026-1234 hotfix"'}`,
    );
  }
}

/** Null when no skip was asked for; throws EmergencySkipError for a refused request. */
export function readEmergencySkip(env: NodeJS.ProcessEnv, knownTargets: readonly string[], now: Date = new Date()): EmergencySkip | null {
  refuseControlCharacters(env);
  const list = (env[SKIP_VARIABLE] ?? '').trim();
  const reason = (env[SKIP_REASON_VARIABLE] ?? '').trim();
  if (!list) {
    if (reason) throw new EmergencySkipError(`${SKIP_REASON_VARIABLE} is set but ${SKIP_VARIABLE} names no gate; name the gates to skip, e.g. ${SKIP_VARIABLE}=gate-doc`);
    return null;
  }
  const gates = [...new Set(list.split(',').map((g) => g.trim()).filter(Boolean).map((g) => (g.startsWith('gate-') ? g : `gate-${g}`)))];
  const unknown = gates.filter((g) => !knownTargets.includes(g));
  if (unknown.length) {
    throw new EmergencySkipError(`${SKIP_VARIABLE} names unknown gate(s) ${unknown.join(', ')}; known gates: ${knownTargets.join(', ')}`);
  }
  if (!reason) {
    throw new EmergencySkipError(`${SKIP_VARIABLE}=${list} refused: an emergency skip needs a reason in ${SKIP_REASON_VARIABLE} (e.g. "CVE-2026-1234 hotfix")`);
  }
  return { gates, reason, until: skipExpiry(env, list, now) };
}

/** RELEASE_GATES_SKIP_UNTIL checked: a real date, not past (the named day itself still counts, in UTC). */
function skipExpiry(env: NodeJS.ProcessEnv, list: string, now: Date): string | null {
  const until = (env[SKIP_UNTIL_VARIABLE] ?? '').trim();
  if (!until) return null;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(until);
  const day = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : null;
  if (!day || day.toISOString().slice(0, 10) !== until) {
    throw new EmergencySkipError(`${SKIP_UNTIL_VARIABLE}=${JSON.stringify(until)} is not a date; write the last day the skip may be used as YYYY-MM-DD, e.g. ${SKIP_UNTIL_VARIABLE}=2026-12-31`);
  }
  if (now.toISOString().slice(0, 10) > until) {
    throw new EmergencySkipError(`${SKIP_VARIABLE}=${list} refused: the skip expired on ${until} (${SKIP_UNTIL_VARIABLE}); fix the skipped gates, or renew the skip with a new date and reason`);
  }
  return until;
}

/** The banner's words for a skip's last day (recorded in the skipped results as details.emergencyUntil). */
export function expiryNote(until: string | null | undefined): string {
  return until ? `valid until ${until}` : `no expiry (set ${SKIP_UNTIL_VARIABLE}=YYYY-MM-DD to make it expire)`;
}
