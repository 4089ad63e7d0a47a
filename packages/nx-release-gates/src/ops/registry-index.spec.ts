import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { entryStamp, entryStampsAtOnce } from './registry-index';

describe('entryStamp over HTTP', () => {
  let server: http.Server;
  let base: string;
  /** What the server answers per entry path: status, headers, body. */
  const answers = new Map<string, { status: number; headers?: Record<string, string>; body?: string }>();
  const methods: string[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      methods.push(`${req.method} ${req.url}`);
      const answer = answers.get(req.url ?? '') ?? { status: 404 };
      res.writeHead(answer.status, answer.headers ?? {});
      res.end(req.method === 'HEAD' ? undefined : answer.body ?? '');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `sparse+http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => (methods.length = 0));

  it('takes the ETag, else Last-Modified, from one GET request, whose body it leaves unread', async () => {
    answers.set('/ti/ny/tinydep', { status: 200, headers: { etag: '"abc"', 'last-modified': 'Mon, 01 Jan 2024 00:00:00 GMT' }, body: 'x'.repeat(1_000_000) });
    expect(await entryStamp(base, 'tinydep', 2000)).toBe('etag "abc"');
    answers.set('/ti/ny/tinydep', { status: 200, headers: { 'last-modified': 'Mon, 01 Jan 2024 00:00:00 GMT' } });
    expect(await entryStamp(base, 'tinydep', 2000)).toBe('last-modified Mon, 01 Jan 2024 00:00:00 GMT');
    expect(methods).toEqual(['GET /ti/ny/tinydep', 'GET /ti/ny/tinydep']);
  });

  it('hashes the body when neither header is sent', async () => {
    answers.set('/ti/ny/tinydep', { status: 200, body: '{"vers":"0.1.0"}\n' });
    const first = await entryStamp(base, 'tinydep', 2000);
    expect(first).toMatch(/^sha256 [0-9a-f]{64}$/);
    answers.set('/ti/ny/tinydep', { status: 200, body: '{"vers":"0.1.0"}\n{"vers":"0.1.1"}\n' });
    expect(await entryStamp(base, 'tinydep', 2000)).not.toBe(first);
    expect(methods).toEqual(['GET /ti/ny/tinydep', 'GET /ti/ny/tinydep']);
  });

  it('says absent for a name the index never had, and null (unknown) for an error or no server', async () => {
    expect(await entryStamp(base, 'never', 2000)).toBe('absent');
    answers.set('/br/ok/broken', { status: 500 });
    expect(await entryStamp(base, 'broken', 2000)).toBeNull();
    expect(await entryStamp('http://127.0.0.1:9/', 'tinydep', 2000)).toBeNull();
  });

  it('leaves a plain-HTTP or folder index to one request per entry: the batch over HTTP/2 answers nothing there', async () => {
    expect(await entryStampsAtOnce(base, ['tinydep', 'never'], 2000)).toEqual([null, null]);
    expect(await entryStampsAtOnce('/no/such/index', ['tinydep'], 2000)).toEqual([null]);
    expect(methods).toEqual([]);
  });
});
