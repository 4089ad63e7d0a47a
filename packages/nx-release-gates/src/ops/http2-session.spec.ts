import * as http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { getEach } from './http2-session';

describe('getEach: many requests over one HTTP/2 connection', () => {
  let server: http2.Http2Server;
  let origin: string;
  let sessions = 0;
  const requests: string[] = [];
  /** path -> status, headers, body; `hang` never answers. */
  const answers = new Map<string, { status: number; headers?: Record<string, string>; body?: string; hang?: boolean }>();

  beforeAll(async () => {
    // Plain-text HTTP/2 (prior knowledge): the transport is the same as over TLS.
    server = http2.createServer();
    server.on('session', () => sessions++);
    server.on('stream', (stream, headers) => {
      const path = String(headers[':path']);
      requests.push(`${headers[':method']} ${path}`);
      const answer = answers.get(path) ?? { status: 404 };
      if (answer.hang) return;
      stream.respond({ ':status': answer.status, ...answer.headers });
      stream.end(headers[':method'] === 'HEAD' ? undefined : (answer.body ?? ''));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    requests.length = 0;
    sessions = 0;
    answers.clear();
  });

  type Answer = { status: number; header(name: string): string | null };
  const needsBody = (answer: Answer) => answer.status === 200 && !answer.header('etag');
  const stamp = (answer: Answer, body: string | null) => (answer.status === 404 ? 'absent' : (answer.header('etag') ?? `body:${body}`));
  const getEachOf = (paths: string[], timeoutMs: number, at = origin) => getEach({ origin: at, paths, timeoutMs }, needsBody, stamp);

  it('asks every path once on one connection, reading the body only where the headers do not say enough', async () => {
    // A large body behind an ETag: the stream is cancelled once the headers are in, and the answer is the header.
    answers.set('/a', { status: 200, headers: { etag: '"1"' }, body: 'x'.repeat(1_000_000) });
    answers.set('/b', { status: 200, body: 'entry b' });
    const results = await getEachOf(['/a', '/b', '/c'], 5000);
    expect(results).toEqual(['"1"', 'body:entry b', 'absent']);
    expect(sessions).toBe(1);
    expect([...requests].sort()).toEqual(['GET /a', 'GET /b', 'GET /c']);
  });

  it('answers null for a path with no answer by the deadline, and keeps the others', async () => {
    answers.set('/a', { status: 200, headers: { etag: '"1"' } });
    answers.set('/slow', { status: 200, hang: true });
    const started = Date.now();
    expect(await getEachOf(['/a', '/slow'], 500)).toEqual(['"1"', null]);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('answers null for every path when nothing listens, and never throws', async () => {
    expect(await getEachOf(['/a', '/b'], 2000, 'http://127.0.0.1:9')).toEqual([null, null]);
    expect(await getEachOf([], 2000, 'http://127.0.0.1:9')).toEqual([]);
  });
});
