import * as http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { headEach } from './http2-session';

describe('headEach: many requests over one HTTP/2 connection', () => {
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

  const stamp = async (answer: { status: number; header(name: string): string | null }, getBody: () => Promise<string | null>) =>
    answer.status === 404 ? 'absent' : (answer.header('etag') ?? `body:${await getBody()}`);

  it('asks every path on one connection, reading a header or the body as the step says', async () => {
    answers.set('/a', { status: 200, headers: { etag: '"1"' } });
    answers.set('/b', { status: 200, body: 'entry b' });
    const results = await headEach({ origin, paths: ['/a', '/b', '/c'], timeoutMs: 5000 }, stamp);
    expect(results).toEqual(['"1"', 'body:entry b', 'absent']);
    expect(sessions).toBe(1);
    expect([...requests].sort()).toEqual(['GET /b', 'HEAD /a', 'HEAD /b', 'HEAD /c']);
  });

  it('answers null for a path with no answer by the deadline, and keeps the others', async () => {
    answers.set('/a', { status: 200, headers: { etag: '"1"' } });
    answers.set('/slow', { status: 200, hang: true });
    const started = Date.now();
    expect(await headEach({ origin, paths: ['/a', '/slow'], timeoutMs: 500 }, stamp)).toEqual(['"1"', null]);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('answers null for every path when nothing listens, and never throws', async () => {
    expect(await headEach({ origin: 'http://127.0.0.1:9', paths: ['/a', '/b'], timeoutMs: 2000 }, stamp)).toEqual([null, null]);
    expect(await headEach({ origin: 'http://127.0.0.1:9', paths: [], timeoutMs: 2000 }, stamp)).toEqual([]);
  });
});
