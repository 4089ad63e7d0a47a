import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { judgeProbe, probeHash } from './probe';
import { probeRemoteCache } from './probe-cli';

const answered = (status: number, body: number[] = []) => ({ kind: 'answered' as const, status, contentType: null, body: Uint8Array.from(body) });

describe('judgeProbe', () => {
  it('keeps the remote cache on a 404 for an unknown hash and on a 200 with a gzip archive', () => {
    expect(judgeProbe(answered(404)).useRemoteCache).toBe(true);
    expect(judgeProbe(answered(200, [0x1f, 0x8b, 8, 0])).useRemoteCache).toBe(true);
  });

  it.each([
    ['a 200 whose body is no archive', answered(200, [0x3c, 0x68])],
    ['a refused token', answered(401)],
    ['a token that may not read', answered(403)],
    ['a server error', answered(500)],
    ['an unexpected status', answered(302)],
    ['a timeout', { kind: 'timeout' as const, afterMs: 5000 }],
    ['a refused connection', { kind: 'unreachable' as const, code: 'ECONNREFUSED' }],
    ['a URL that is not http(s)', { kind: 'bad-url' as const, url: 'ftp://cache' }],
  ])('turns the remote cache off on %s, saying so in one line', (_what, outcome) => {
    const verdict = judgeProbe(outcome);
    expect(verdict.useRemoteCache).toBe(false);
    expect(verdict.reason).toContain('NX_SKIP_REMOTE_CACHE=true');
    expect(verdict.reason).not.toContain('\n');
  });

  it('reports no remote cache when the server variable is unset', () => {
    expect(judgeProbe({ kind: 'unconfigured' })).toEqual({ useRemoteCache: false, reason: expect.stringContaining('not set') });
  });

  it('probes a hash Nx never computes (Nx prints u64 hashes in decimal: no leading zero)', () => {
    expect(probeHash(1_700_000_000_000)).toMatch(/^0\d+$/);
  });
});

describe('probeRemoteCache (real HTTP on 127.0.0.1)', () => {
  async function serve(handler: http.RequestListener): Promise<{ url: string; close: () => Promise<void>; seen: http.IncomingHttpHeaders[] }> {
    const seen: http.IncomingHttpHeaders[] = [];
    const server = http.createServer((req, res) => {
      seen.push(req.headers);
      handler(req, res);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return { url, seen, close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }) };
  }

  it('reads /v1/cache/<hash> with the bearer token and reports the status', async () => {
    const server = await serve((_req, res) => res.writeHead(404).end());
    try {
      const outcome = await probeRemoteCache({ NX_SELF_HOSTED_REMOTE_CACHE_SERVER: `${server.url}/`, NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: 't0k' }, 20_000);
      expect(outcome).toMatchObject({ kind: 'answered', status: 404 });
      expect(server.seen[0].authorization).toBe('Bearer t0k');
    } finally {
      await server.close();
    }
  });

  it('gives up after the timeout on a server that does not answer', async () => {
    const server = await serve(() => undefined);
    try {
      const started = Date.now();
      expect(await probeRemoteCache({ NX_SELF_HOSTED_REMOTE_CACHE_SERVER: server.url }, 300)).toEqual({ kind: 'timeout', afterMs: 300 });
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      await server.close();
    }
  });

  it('reports a refused connection by its code', async () => {
    const server = await serve(() => undefined);
    const url = server.url;
    await server.close();
    expect(await probeRemoteCache({ NX_SELF_HOSTED_REMOTE_CACHE_SERVER: url }, 20_000)).toEqual({ kind: 'unreachable', code: 'ECONNREFUSED' });
  });

  it('refuses a server value that is no URL, and reports an unset one', async () => {
    expect(await probeRemoteCache({ NX_SELF_HOSTED_REMOTE_CACHE_SERVER: 'not a url' }, 100)).toMatchObject({ kind: 'bad-url' });
    expect(await probeRemoteCache({ NX_SELF_HOSTED_REMOTE_CACHE_SERVER: 'file:///tmp' }, 100)).toMatchObject({ kind: 'bad-url' });
    expect(await probeRemoteCache({}, 100)).toEqual({ kind: 'unconfigured' });
  });
});
