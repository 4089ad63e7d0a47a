/**
 * A self-hosted remote cache that is down, slow or answers garbage must not fail a run (Nx 23.2.1 ends it with exit 1,
 * remote-cache/probe.ts) nor hand it a pass. Before the run, the hook reads one hash nobody stores from the server Nx
 * was given (NX_SELF_HOSTED_REMOTE_CACHE_SERVER); on anything but a clean answer it empties that variable for this run,
 * which is what Nx reads when it sets up the cache after this hook (NX_SKIP_REMOTE_CACHE is read before it), and says
 * so in one line (with the daemon on, the first gate of the run prints it). Every gate then runs here. Off when the remote cache is off already, or with
 * NX_RELEASE_GATES_REMOTE_CACHE_CHECK=false (the generated workflows probe it before Nx themselves).
 */
import { judgeProbe } from '../remote-cache/probe';
import { probeRemoteCache } from '../remote-cache/probe-cli';

export const REMOTE_CACHE_CHECK_SWITCH = 'NX_RELEASE_GATES_REMOTE_CACHE_CHECK';
/**
 * The line, for the gates to print once in the run when the hook ran inside the Nx daemon, whose output reaches no
 * terminal (executors/gate/remote-cache-notice.ts).
 */
export const REMOTE_CACHE_NOTICE = 'NX_RELEASE_GATES_REMOTE_CACHE_NOTICE';
const SERVER = 'NX_SELF_HOSTED_REMOTE_CACHE_SERVER';
const CHECK_TIMEOUT_MS = 3000;

/** Whether the run should ask the server first. */
export function shouldCheckRemoteCache(env: NodeJS.ProcessEnv): boolean {
  if (!env[SERVER] || env[REMOTE_CACHE_CHECK_SWITCH] === 'false') return false;
  return env.NX_SKIP_REMOTE_CACHE !== 'true' && env.NX_DISABLE_REMOTE_CACHE !== 'true';
}

/** Asks the server; turns the remote cache off for this run when its answer is not clean. Returns the line printed, if any. */
export async function checkRemoteCache(env: NodeJS.ProcessEnv = process.env, timeoutMs: number = CHECK_TIMEOUT_MS, print: (line: string) => void = console.warn): Promise<string | null> {
  if (!shouldCheckRemoteCache(env)) return null;
  try {
    const verdict = judgeProbe(await probeRemoteCache(env, timeoutMs), 'for this run');
    if (verdict.useRemoteCache) return null;
    env[SERVER] = '';
    const line = `nx-release-gates: remote cache: ${verdict.reason}`;
    print(line);
    if (env.NX_DAEMON_PROCESS === 'true') env[REMOTE_CACHE_NOTICE] = line;
    return line;
  } catch {
    return null;
  }
}
