import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkRemoteCache, shouldCheckRemoteCache } from './remote-cache-check';

/** A server answering every request with `status` and `body` (after `delayMs`). */
async function serve(status: number, body: Buffer, delayMs = 0): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((_req, res) => {
    setTimeout(() => {
      res.writeHead(status, { 'Content-Type': 'application/octet-stream' });
      res.end(body);
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('the remote cache check before a run', () => {
  it('runs only when a self-hosted cache is configured and not already off', () => {
    expect(shouldCheckRemoteCache({})).toBe(false);
    expect(shouldCheckRemoteCache({ NX_SELF_HOSTED_REMOTE_CACHE_SERVER: 'http://x' })).toBe(true);
    expect(shouldCheckRemoteCache({ NX_SELF_HOSTED_REMOTE_CACHE_SERVER: 'http://x', NX_SKIP_REMOTE_CACHE: 'true' })).toBe(false);
    expect(shouldCheckRemoteCache({ NX_SELF_HOSTED_REMOTE_CACHE_SERVER: 'http://x', NX_DISABLE_REMOTE_CACHE: 'true' })).toBe(false);
    expect(shouldCheckRemoteCache({ NX_SELF_HOSTED_REMOTE_CACHE_SERVER: 'http://x', NX_RELEASE_GATES_REMOTE_CACHE_CHECK: 'false' })).toBe(false);
  });

  it('keeps a server that answers 404 for an unknown hash, and says nothing', async () => {
    const server = await serve(404, Buffer.from('not found'));
    try {
      const env: NodeJS.ProcessEnv = { NX_SELF_HOSTED_REMOTE_CACHE_SERVER: server.url };
      const printed: string[] = [];
      expect(await checkRemoteCache(env, 2000, (l) => printed.push(l))).toBeNull();
      expect(env.NX_SELF_HOSTED_REMOTE_CACHE_SERVER).toBe(server.url);
      expect(printed).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it.each([
    ['answers garbage', 200, Buffer.from('<html>oops</html>'), 0],
    ['fails', 500, Buffer.from('boom'), 0],
    ['is slow', 404, Buffer.from(''), 3000],
  ])('turns the remote cache off for the run when the server %s, in one line', async (_what, status, body, delayMs) => {
    const server = await serve(status, body, delayMs);
    try {
      const env: NodeJS.ProcessEnv = { NX_SELF_HOSTED_REMOTE_CACHE_SERVER: server.url };
      const printed: string[] = [];
      const line = await checkRemoteCache(env, 500, (l) => printed.push(l));
      expect(env.NX_SELF_HOSTED_REMOTE_CACHE_SERVER).toBe('');
      expect(printed).toEqual([line]);
      expect(line).toMatch(/^nx-release-gates: remote cache: .*; running without the remote cache for this run, every gate runs here$/);
      expect(line).not.toContain('oops');
    } finally {
      await server.close();
    }
  });

  it('leaves the line for the first gate to print when it runs inside the daemon (no terminal there)', async () => {
    const server = await serve(500, Buffer.from('boom'));
    try {
      const inDaemon: NodeJS.ProcessEnv = { NX_SELF_HOSTED_REMOTE_CACHE_SERVER: server.url, NX_DAEMON_PROCESS: 'true' };
      const line = await checkRemoteCache(inDaemon, 1000, () => undefined);
      expect(inDaemon.NX_RELEASE_GATES_REMOTE_CACHE_NOTICE).toBe(line);
      const inTerminal: NodeJS.ProcessEnv = { NX_SELF_HOSTED_REMOTE_CACHE_SERVER: server.url };
      await checkRemoteCache(inTerminal, 1000, () => undefined);
      expect(inTerminal.NX_RELEASE_GATES_REMOTE_CACHE_NOTICE).toBeUndefined();
    } finally {
      await server.close();
    }
  });

  it('turns it off when nothing listens', async () => {
    const server = await serve(404, Buffer.from(''));
    const url = server.url;
    await server.close();
    const env: NodeJS.ProcessEnv = { NX_SELF_HOSTED_REMOTE_CACHE_SERVER: url };
    const line = await checkRemoteCache(env, 1000, () => undefined);
    expect(line).toMatch(/cannot be reached \(ECONNREFUSED\)/);
    expect(env.NX_SELF_HOSTED_REMOTE_CACHE_SERVER).toBe('');
  });
});
