/**
 * Whether a self-hosted remote cache (Nx's HTTP cache API) is safe to hand to Nx for this run. Nx 23.2.1's own client
 * ends the whole run with exit 1 when a cache request fails (connection refused, 500, 401, a body that is no
 * archive), and marks the task skipped or failed even when the task itself succeeded; it has no request timeout, so a
 * slow server delays every task by its delay (measured: see README, "Remote cache"). Nx has no setting that turns
 * such a failure into a cache miss, but it has one that turns the remote cache off: NX_SKIP_REMOTE_CACHE=true.
 * So a workflow asks this probe first, and on anything but a clean answer runs without the remote cache, with a
 * warning. The verdict is a pure function of what the server answered; probe-cli.ts does the request.
 */

/** What one GET of a hash nobody stores answered, or why there was no answer. */
export type ProbeOutcome =
  | { kind: 'unconfigured' }
  | { kind: 'bad-url'; url: string }
  | { kind: 'answered'; status: number; contentType: string | null; body: Uint8Array }
  | { kind: 'timeout'; afterMs: number }
  | { kind: 'unreachable'; code: string };

export interface ProbeVerdict {
  /** true: keep the remote cache; false: run with NX_SKIP_REMOTE_CACHE=true. */
  useRemoteCache: boolean;
  /** One line for a person, free of anything the server sent (it could carry workflow commands). */
  reason: string;
}

const GZIP_MAGIC = [0x1f, 0x8b];

/** `how`: how the cache is turned off, said in the reason (the workflows' probe: NX_SKIP_REMOTE_CACHE=true). */
export function judgeProbe(outcome: ProbeOutcome, how: string = '(NX_SKIP_REMOTE_CACHE=true)'): ProbeVerdict {
  const off = (why: string): ProbeVerdict => ({ useRemoteCache: false, reason: `${why}; running without the remote cache ${how}, every gate runs here` });
  switch (outcome.kind) {
    case 'unconfigured':
      return { useRemoteCache: false, reason: 'NX_SELF_HOSTED_REMOTE_CACHE_SERVER is not set: no remote cache' };
    case 'bad-url':
      return off('NX_SELF_HOSTED_REMOTE_CACHE_SERVER is not an http(s) URL');
    case 'timeout':
      return off(`the remote cache did not answer within ${outcome.afterMs} ms`);
    case 'unreachable':
      return off(`the remote cache cannot be reached (${outcome.code})`);
    case 'answered': {
      const { status } = outcome;
      if (status === 404) return { useRemoteCache: true, reason: 'the remote cache answered (404 for an unknown hash, as the API says)' };
      if (status === 200) {
        const isArchive = GZIP_MAGIC.every((b, i) => outcome.body[i] === b);
        return isArchive
          ? { useRemoteCache: true, reason: 'the remote cache answered with an archive' }
          : off('the remote cache answered 200 with a body that is no gzip archive');
      }
      if (status === 401) return off('the remote cache refused the token (401): check NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN');
      if (status === 403) return off('the remote cache forbids this token to read (403)');
      return off(`the remote cache answered HTTP ${status}`);
    }
  }
}

/** A hash no task has: Nx's hashes are decimal digits, so a probe read can never hit a real entry by accident. */
export function probeHash(now: number = Date.now()): string {
  return `0${now}${Math.floor(Math.random() * 1e6)}`;
}
