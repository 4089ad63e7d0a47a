/**
 * A cargo registry on 127.0.0.1 for the tests: a sparse index (`config.json` with `dl` and `api`, one file of JSON
 * lines per crate), `PUT /api/v1/crates/new` as cargo publishes (u32 LE length + JSON metadata, u32 LE length +
 * .crate bytes) and downloads. Its state is read directly by the tests. `answerTooManyRequests` makes the next
 * upload answer 429 with a Retry-After, once.
 */
import { createHash } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PublishedCrate {
  name: string;
  vers: string;
  cksum: string;
}

interface PublishMetadata {
  name: string;
  vers: string;
  deps: { name: string; version_req: string; features: string[]; optional: boolean; default_features: boolean; target: string | null; kind: string; registry: string | null; explicit_name_in_toml: string | null }[];
  features: Record<string, string[]>;
  links: string | null;
}

function indexPath(name: string): string {
  const lower = name.toLowerCase();
  if (lower.length <= 2) return `${lower.length}/${lower}`;
  if (lower.length === 3) return `3/${lower[0]}/${lower}`;
  return `${lower.slice(0, 2)}/${lower.slice(2, 4)}/${lower}`;
}

/** The index line cargo expects for an upload (dependency fields renamed as the index names them). */
function indexLine(meta: PublishMetadata, cksum: string): string {
  const deps = meta.deps.map((d) => ({
    name: d.explicit_name_in_toml ?? d.name,
    req: d.version_req,
    features: d.features,
    optional: d.optional,
    default_features: d.default_features,
    target: d.target,
    kind: d.kind,
    registry: d.registry,
    ...(d.explicit_name_in_toml ? { package: d.name } : {}),
  }));
  return JSON.stringify({ name: meta.name, vers: meta.vers, deps, cksum, features: meta.features, yanked: false, links: meta.links });
}

export class LocalRegistry {
  /** Index lines per lowercased crate name. */
  private readonly lines = new Map<string, string[]>();
  private readonly crates = new Map<string, Buffer>();
  private tooManyRequests: number | null = null;
  /** Every upload attempt, answered or refused. */
  uploadAttempts = 0;
  /** Tokens the uploads came with. */
  readonly tokens: string[] = [];

  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<LocalRegistry> {
    const server = http.createServer();
    const registry = new LocalRegistry(server);
    server.on('request', (req, res) => registry.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return registry;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** What cargo's configuration and the publish command name as the index. */
  get index(): string {
    return `sparse+${this.url}/index/`;
  }

  /** The versions the index holds for `name`, with their checksums. */
  published(name: string): PublishedCrate[] {
    return (this.lines.get(name.toLowerCase()) ?? []).map((l) => JSON.parse(l) as PublishedCrate).map(({ name: n, vers, cksum }) => ({ name: n, vers, cksum }));
  }

  /** The next upload is answered 429, asking to wait `seconds`. */
  answerTooManyRequests(seconds: number): void {
    this.tooManyRequests = seconds;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', this.url);
    if (req.method === 'GET' && url.pathname === '/index/config.json') return this.json(res, 200, { dl: `${this.url}/api/v1/crates`, api: this.url });
    if (req.method === 'GET' && url.pathname.startsWith('/index/')) {
      const name = url.pathname.split('/').pop() ?? '';
      const lines = this.lines.get(name.toLowerCase());
      if (!lines || url.pathname !== `/index/${indexPath(name)}`) return this.json(res, 404, { errors: [{ detail: 'not found' }] });
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`${lines.join('\n')}\n`);
      return;
    }
    const download = /^\/api\/v1\/crates\/([^/]+)\/([^/]+)\/download$/.exec(url.pathname);
    if (req.method === 'GET' && download) {
      const bytes = this.crates.get(`${download[1].toLowerCase()}@${download[2]}`);
      if (!bytes) return this.json(res, 404, { errors: [{ detail: 'not found' }] });
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(bytes);
      return;
    }
    if (req.method === 'PUT' && url.pathname === '/api/v1/crates/new') return this.upload(req, res);
    this.json(res, 404, { errors: [{ detail: `no route ${req.method} ${url.pathname}` }] });
  }

  private upload(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      this.uploadAttempts++;
      this.tokens.push(String(req.headers.authorization ?? ''));
      if (this.tooManyRequests !== null) {
        const seconds = this.tooManyRequests;
        this.tooManyRequests = null;
        res.setHeader('retry-after', String(seconds));
        return this.json(res, 429, { errors: [{ detail: `You have published too many crates in a short period of time. Retry-After: ${seconds}` }] });
      }
      const body = Buffer.concat(chunks);
      const jsonLength = body.readUInt32LE(0);
      const meta = JSON.parse(body.subarray(4, 4 + jsonLength).toString('utf8')) as PublishMetadata;
      const crateLength = body.readUInt32LE(4 + jsonLength);
      const crate = body.subarray(8 + jsonLength, 8 + jsonLength + crateLength);
      const key = meta.name.toLowerCase();
      if (this.published(key).some((p) => p.vers === meta.vers)) return this.json(res, 400, { errors: [{ detail: `crate version \`${meta.vers}\` is already uploaded` }] });
      const cksum = createHash('sha256').update(crate).digest('hex');
      this.crates.set(`${key}@${meta.vers}`, Buffer.from(crate));
      this.lines.set(key, [...(this.lines.get(key) ?? []), indexLine(meta, cksum)]);
      this.json(res, 200, { warnings: { invalid_categories: [], invalid_badges: [], other: [] } });
    });
  }

  private json(res: http.ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }
}
