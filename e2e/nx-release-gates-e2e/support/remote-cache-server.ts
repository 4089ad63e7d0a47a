/**
 * Test infrastructure: a remote cache server on 127.0.0.1 that speaks Nx's published self-hosted cache API
 * ("Nx custom remote cache specification", OpenAPI 3.0, served by Nx 20.8+ clients through
 * NX_SELF_HOSTED_REMOTE_CACHE_SERVER / NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN):
 *
 *   PUT /v1/cache/{hash}  body: the task's tar archive (application/octet-stream), header Content-Length required
 *                         -> 202 stored | 400 no or bad Content-Length (text/plain) | 401 missing or invalid token
 *                            (text/plain) | 403 token may not write, e.g. read-only (text/plain) | 409 hash exists
 *   GET /v1/cache/{hash}  -> 200 the archive (application/octet-stream) | 401 / 403 (text/plain) | 404 not found
 *   security: HTTP bearer token (`Authorization: Bearer <token>`), when the server is given a token.
 *
 * The spec's text has said 200 and 202 for a stored upload at different times; `putStatus` chooses (default 202; what
 * Nx 23.2.1 accepts is measured in remote-cache.spec.ts).
 * Entries are never overwritten (409), as the spec and every cache poisoning advisory want.
 *
 * Fault modes let the tests see what a failing server does to a run: `down` (nothing listens on the port: connection
 * refused), `slow` (every answer waits `slowMs`), `error` (500 with a text body), `write-error` (GETs work, PUTs answer
 * 500: the task ran, then its upload fails), `garbage` (a GET answers 200 with bytes that are no gzip'd tar),
 * `truncated` (a GET of a stored entry answers 200 with its first half).
 *
 * The plugin never depends on this file: it lives in the e2e folder only.
 */
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type FaultMode = 'none' | 'down' | 'slow' | 'error' | 'write-error' | 'garbage' | 'truncated';

export interface RemoteCacheServerOptions {
  /** Token with read and write access; without one (and without readOnlyToken) every request is allowed. */
  token?: string;
  /** Token that may read but not write (PUT answers 403). */
  readOnlyToken?: string;
  /** Status of a stored upload: 202 (default) or 200. */
  putStatus?: 200 | 202;
  /** How long `slow` waits before answering, in ms (default 30 s). */
  slowMs?: number;
}

export interface RemoteCacheCounters {
  /** GETs answered 200 with a stored entry. */
  hits: number;
  /** GETs answered 404. */
  misses: number;
  /** PUTs stored. */
  puts: number;
  /** PUTs refused with 409 (hash already stored). */
  conflicts: number;
  /** Requests refused with 401 or 403. */
  refused: number;
  /** Requests answered by a fault mode (500, garbage, truncated, or delayed by slow). */
  faulted: number;
}

export interface RemoteCacheRequest {
  method: string;
  hash: string | null;
  status: number;
}

const CACHE_PATH = /^\/v1\/cache\/([^/?#]+)$/;
/** Nx's hashes are decimal digits; admit the usual URL-safe characters, refuse the rest (no path tricks). */
const HASH = /^[A-Za-z0-9._-]+$/;
const TEXT = { 'Content-Type': 'text/plain' };

function emptyCounters(): RemoteCacheCounters {
  return { hits: 0, misses: 0, puts: 0, conflicts: 0, refused: 0, faulted: 0 };
}

export class RemoteCacheServer {
  readonly entries = new Map<string, Buffer>();
  readonly requests: RemoteCacheRequest[] = [];
  counters: RemoteCacheCounters = emptyCounters();
  private mode: FaultMode = 'none';
  private server: http.Server | null = null;
  private readonly sockets = new Set<Socket>();
  private port = 0;

  private constructor(private readonly options: RemoteCacheServerOptions) {}

  /** Starts a server on 127.0.0.1 with a port the system picks. */
  static async start(options: RemoteCacheServerOptions = {}): Promise<RemoteCacheServer> {
    const server = new RemoteCacheServer(options);
    await server.listen();
    return server;
  }

  /** The base URL for NX_SELF_HOSTED_REMOTE_CACHE_SERVER (no trailing slash: Nx appends `/v1/cache/<hash>`). */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The variables a run needs to use this server, with the read-write token unless another is given. */
  env(token: string | undefined = this.options.token): Record<string, string> {
    return {
      NX_SELF_HOSTED_REMOTE_CACHE_SERVER: this.url,
      ...(token !== undefined ? { NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: token } : {}),
    };
  }

  get fault(): FaultMode {
    return this.mode;
  }

  /** Switches the fault mode; `down` closes the port (connection refused), leaving `down` listens again on it. */
  async setFault(mode: FaultMode): Promise<void> {
    if (mode === this.mode) return;
    const wasDown = this.mode === 'down';
    this.mode = mode;
    if (mode === 'down') await this.close();
    else if (wasDown) await this.listen(this.port);
  }

  /** Forgets the counters and the request log (the entries stay). */
  resetCounters(): void {
    this.counters = emptyCounters();
    this.requests.length = 0;
  }

  async stop(): Promise<void> {
    await this.close();
  }

  private listen(port = 0): Promise<void> {
    const server = http.createServer((req, res) => this.handle(req, res));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        this.server = server;
        this.port = (server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  private close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return Promise.resolve();
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const match = CACHE_PATH.exec(req.url ?? '');
      const hash = match ? match[1] : null;
      const answer = (status: number, body: string | Buffer = '', headers: http.OutgoingHttpHeaders = TEXT) => {
        this.requests.push({ method: req.method ?? '', hash, status });
        if (res.destroyed) return;
        res.writeHead(status, { ...headers, 'Content-Length': Buffer.byteLength(body) });
        res.end(body);
      };
      const respond = () => this.respond(req, hash, Buffer.concat(chunks), answer);
      if (this.mode === 'slow') {
        this.counters.faulted++;
        const timer = setTimeout(respond, this.options.slowMs ?? 30_000);
        res.on('close', () => clearTimeout(timer));
      } else {
        respond();
      }
    });
  }

  private respond(
    req: http.IncomingMessage,
    hash: string | null,
    body: Buffer,
    answer: (status: number, body?: string | Buffer, headers?: http.OutgoingHttpHeaders) => void,
  ): void {
    if (hash === null || !HASH.test(hash) || (req.method !== 'GET' && req.method !== 'PUT')) return answer(404, 'Not Found');
    const access = this.access(req.headers.authorization);
    if (access === 'none') {
      this.counters.refused++;
      return answer(401, 'Missing or invalid authentication token.');
    }
    if (this.mode === 'error') {
      this.counters.faulted++;
      return answer(500, 'Internal server error (fault mode of the test server)');
    }
    if (req.method === 'PUT') {
      if (this.mode === 'write-error') {
        this.counters.faulted++;
        return answer(500, 'Internal server error (fault mode of the test server)');
      }
      if (access === 'read') {
        this.counters.refused++;
        return answer(403, 'Access forbidden: this token may only read.');
      }
      const length = req.headers['content-length'];
      if (length === undefined || !/^\d+$/.test(length) || Number(length) !== body.length) {
        return answer(400, 'Missing or invalid Content-Length header.');
      }
      if (this.entries.has(hash)) {
        this.counters.conflicts++;
        return answer(409, 'Cannot override an existing record.');
      }
      this.entries.set(hash, body);
      this.counters.puts++;
      return answer(this.options.putStatus ?? 202, '');
    }
    const octets = { 'Content-Type': 'application/octet-stream' };
    if (this.mode === 'garbage') {
      this.counters.faulted++;
      return answer(200, Buffer.from('this is not a gzip-compressed tar archive\n'.repeat(8)), octets);
    }
    const entry = this.entries.get(hash);
    if (!entry) {
      this.counters.misses++;
      return answer(404, 'The record was not found.');
    }
    if (this.mode === 'truncated') {
      this.counters.faulted++;
      return answer(200, entry.subarray(0, Math.floor(entry.length / 2)), octets);
    }
    this.counters.hits++;
    return answer(200, entry, octets);
  }

  /** What the Authorization header allows: everything when the server has no token. */
  private access(header: string | undefined): 'write' | 'read' | 'none' {
    const { token, readOnlyToken } = this.options;
    if (token === undefined && readOnlyToken === undefined) return 'write';
    const match = /^Bearer (.+)$/.exec(header ?? '');
    if (!match) return 'none';
    if (token !== undefined && match[1] === token) return 'write';
    if (readOnlyToken !== undefined && match[1] === readOnlyToken) return 'read';
    return 'none';
  }
}
