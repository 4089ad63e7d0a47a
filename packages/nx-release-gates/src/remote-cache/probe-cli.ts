#!/usr/bin/env node
/**
 * nx-release-gates-remote-cache-probe: run it before Nx when NX_SELF_HOSTED_REMOTE_CACHE_SERVER is set. It reads one
 * hash nobody stores, with a short timeout (`--timeout-ms=5000` by default), and when the answer is not clean it
 * tells Nx to leave the remote cache alone for this job: on GitHub Actions it appends NX_SKIP_REMOTE_CACHE=true to
 * $GITHUB_ENV and prints a warning annotation; elsewhere it prints the variable to set. It writes
 * `use-remote-cache=true|false` to $GITHUB_OUTPUT when that is set. It always exits 0: a cache is an optimisation, and
 * without it every gate simply runs. The verdict is judgeProbe's (probe.ts).
 */
import * as fs from 'node:fs';
import { judgeProbe, probeHash, ProbeOutcome } from './probe';

const DEFAULT_TIMEOUT_MS = 5000;

function timeoutFromArgs(args: string[]): number {
  const given = args.find((a) => a.startsWith('--timeout-ms='));
  const value = given ? Number(given.slice('--timeout-ms='.length)) : DEFAULT_TIMEOUT_MS;
  return Number.isFinite(value) && value > 0 ? value : DEFAULT_TIMEOUT_MS;
}

/** An error code safe to print: node's `ECONNREFUSED`-style codes only, never text from elsewhere. */
function errorCode(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } })?.cause;
  const code = typeof cause?.code === 'string' ? cause.code : (error as { code?: unknown })?.code;
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,40}$/.test(code) ? code : 'network error';
}

export async function probeRemoteCache(env: NodeJS.ProcessEnv, timeoutMs: number): Promise<ProbeOutcome> {
  const server = env.NX_SELF_HOSTED_REMOTE_CACHE_SERVER;
  if (!server) return { kind: 'unconfigured' };
  let url: URL;
  try {
    url = new URL(`${server.replace(/\/+$/, '')}/v1/cache/${probeHash()}`);
  } catch {
    return { kind: 'bad-url', url: server };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { kind: 'bad-url', url: server };
  const headers: Record<string, string> = { Accept: 'application/octet-stream' };
  const token = env.NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN;
  if (token) headers.Authorization = `Bearer ${token}`;
  try {
    const response = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
    const body = new Uint8Array(await response.arrayBuffer());
    return { kind: 'answered', status: response.status, contentType: response.headers.get('content-type'), body };
  } catch (error) {
    if ((error as Error)?.name === 'TimeoutError' || (error as Error)?.name === 'AbortError') return { kind: 'timeout', afterMs: timeoutMs };
    return { kind: 'unreachable', code: errorCode(error) };
  }
}

async function main(): Promise<void> {
  const env = process.env;
  const verdict = judgeProbe(await probeRemoteCache(env, timeoutFromArgs(process.argv.slice(2))));
  const configured = !!env.NX_SELF_HOSTED_REMOTE_CACHE_SERVER;
  if (env.GITHUB_OUTPUT) fs.appendFileSync(env.GITHUB_OUTPUT, `use-remote-cache=${verdict.useRemoteCache}\n`);
  if (verdict.useRemoteCache || !configured) {
    console.log(`nx-release-gates: remote cache: ${verdict.reason}`);
    return;
  }
  if (env.GITHUB_ENV) fs.appendFileSync(env.GITHUB_ENV, 'NX_SKIP_REMOTE_CACHE=true\n');
  if (env.GITHUB_ACTIONS === 'true') console.log(`::warning title=Remote cache::${verdict.reason}`);
  else console.log(`nx-release-gates: remote cache: ${verdict.reason}`);
  if (!env.GITHUB_ENV) console.log('nx-release-gates: set NX_SKIP_REMOTE_CACHE=true for the Nx runs that follow (Nx 23 ends a run with exit 1 on a failing remote cache)');
}

if (require.main === module) {
  main().catch((error) => {
    // Never fail the job over a cache; say what went wrong in one line.
    console.log(`nx-release-gates: remote cache probe could not run (${(error as Error)?.message ?? error}); leaving the settings as they are`);
  });
}
