/**
 * The test remote cache server against Nx's self-hosted cache OpenAPI specification (PUT/GET /v1/cache/{hash},
 * bearer token), and its fault modes. Plain HTTP from Node's fetch: what the e2e tests rely on when they point real
 * Nx at it.
 */
import { RemoteCacheServer } from '../support/remote-cache-server';

const TOKEN = 'write-token';
const READ_ONLY = 'read-token';

describe('remote cache test server (Nx self-hosted cache API)', () => {
  let server: RemoteCacheServer;
  const url = (hash: string) => `${server.url}/v1/cache/${hash}`;
  const auth = (token = TOKEN) => ({ Authorization: `Bearer ${token}` });
  const put = (hash: string, body: Buffer, token?: string) =>
    fetch(url(hash), { method: 'PUT', headers: { ...auth(token), 'Content-Type': 'application/octet-stream' }, body });
  const get = (hash: string, token?: string) => fetch(url(hash), { headers: { ...auth(token), Accept: 'application/octet-stream' } });

  beforeEach(async () => {
    server = await RemoteCacheServer.start({ token: TOKEN, readOnlyToken: READ_ONLY, slowMs: 1500 });
  });
  afterEach(() => server.stop());

  it('stores with 202, returns the same bytes with 200, refuses a second PUT of the hash with 409', async () => {
    const body = Buffer.from([0x1f, 0x8b, 1, 2, 3, 0, 255]);
    expect((await put('123', body)).status).toBe(202);
    const back = await get('123');
    expect(back.status).toBe(200);
    expect(back.headers.get('content-type')).toBe('application/octet-stream');
    expect(Buffer.from(await back.arrayBuffer())).toEqual(body);

    const again = await put('123', Buffer.from('other bytes'));
    expect(again.status).toBe(409);
    expect(Buffer.from(await (await get('123')).arrayBuffer())).toEqual(body);
    expect(server.counters).toMatchObject({ puts: 1, hits: 2, conflicts: 1, misses: 0 });
  });

  it('answers 404 on a miss and counts it', async () => {
    expect((await get('404404')).status).toBe(404);
    expect(server.counters).toMatchObject({ misses: 1, hits: 0 });
  });

  it('answers 200 to a stored upload when told to (the spec text has said both)', async () => {
    const ok = await RemoteCacheServer.start({ putStatus: 200 });
    try {
      expect((await fetch(`${ok.url}/v1/cache/9`, { method: 'PUT', body: Buffer.from('x') })).status).toBe(200);
    } finally {
      await ok.stop();
    }
  });

  it.each([
    ['no Authorization header', {}],
    ['a wrong token', auth('nope')],
    ['a token without the Bearer scheme', { Authorization: TOKEN }],
  ])('answers 401 with a text/plain body to %s, on GET and PUT', async (_what, headers) => {
    for (const init of [{ headers }, { method: 'PUT', headers, body: Buffer.from('x') }]) {
      const res = await fetch(url('55'), init);
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toBe('text/plain');
      expect((await res.text()).length).toBeGreaterThan(0);
    }
    expect(server.entries.size).toBe(0);
  });

  it('lets a read-only token read but answers its PUT with 403 and a text/plain body', async () => {
    await put('77', Buffer.from('stored'));
    expect((await get('77', READ_ONLY)).status).toBe(200);
    const res = await put('78', Buffer.from('x'), READ_ONLY);
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toBe('text/plain');
    expect((await res.text()).length).toBeGreaterThan(0);
    expect(server.entries.has('78')).toBe(false);
  });

  it('refuses a PUT whose Content-Length is missing with 400', async () => {
    // A chunked upload carries no Content-Length, which the spec requires.
    const chunked = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode('abc'));
        c.close();
      },
    });
    const res = await fetch(url('88'), { method: 'PUT', headers: auth(), body: chunked, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(400);
    expect(server.entries.has('88')).toBe(false);
  });

  it('answers 404 outside /v1/cache/{hash} and to other methods', async () => {
    expect((await fetch(`${server.url}/v1/cache`, { headers: auth() })).status).toBe(404);
    expect((await fetch(`${server.url}/v1/cache/1/2`, { headers: auth() })).status).toBe(404);
    expect((await fetch(url('1'), { method: 'DELETE', headers: auth() })).status).toBe(404);
  });

  describe('fault modes', () => {
    it('down: connection refused, and the same URL works again afterwards', async () => {
      await put('1', Buffer.from('kept'));
      await server.setFault('down');
      await expect(get('1')).rejects.toThrow();
      await server.setFault('none');
      expect(Buffer.from(await (await get('1')).arrayBuffer()).toString()).toBe('kept');
    });

    it('slow: answers only after slowMs', async () => {
      await server.setFault('slow');
      const started = Date.now();
      expect((await get('2')).status).toBe(404);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
    });

    it('error: 500 on GET and PUT, nothing stored', async () => {
      await server.setFault('error');
      expect((await get('3')).status).toBe(500);
      expect((await put('3', Buffer.from('x'))).status).toBe(500);
      expect(server.entries.size).toBe(0);
      expect(server.counters.faulted).toBe(2);
    });

    it('write-error: GET works, PUT answers 500', async () => {
      await put('4', Buffer.from('x'));
      await server.setFault('write-error');
      expect((await get('4')).status).toBe(200);
      expect((await put('5', Buffer.from('y'))).status).toBe(500);
    });

    it('garbage: every GET answers 200 with bytes that are not a gzip archive', async () => {
      await server.setFault('garbage');
      const res = await get('6');
      expect(res.status).toBe(200);
      const bytes = Buffer.from(await res.arrayBuffer());
      expect(bytes.length).toBeGreaterThan(0);
      expect([bytes[0], bytes[1]]).not.toEqual([0x1f, 0x8b]);
    });

    it('truncated: a stored entry comes back cut in half', async () => {
      await put('7', Buffer.from('0123456789'));
      await server.setFault('truncated');
      expect(Buffer.from(await (await get('7')).arrayBuffer()).toString()).toBe('01234');
    });
  });
});
