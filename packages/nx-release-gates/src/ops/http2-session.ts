/**
 * Many requests to one origin over one HTTP/2 connection, as cargo reads a sparse index: a cache key may need the
 * index entries of a few hundred packages, and one TLS connection per request (what Node's fetch does when a server
 * or proxy closes each connection) made that take seconds, or time out past a handful of connections at once. Every
 * request of a batch shares one deadline; one that has no answer by then, and all of them when the server does not
 * speak HTTP/2, answer null, for the caller to ask again its own way. Never throws.
 */
import * as http2 from 'node:http2';

export interface Http2Answer {
  status: number;
  header(name: string): string | null;
}

/**
 * Whether an answer's body is wanted (from its status and headers): when it is not, the stream is cancelled as soon as
 * the headers arrive, so one GET costs what a HEAD would, in one round trip instead of two.
 */
export type Http2NeedsBody = (answer: Http2Answer) => boolean;

/** What one request makes of its answer and its body (null when the body was not wanted or did not arrive whole). */
export type Http2Step<T> = (answer: Http2Answer, body: string | null) => T | null;

export interface Http2Batch {
  origin: string;
  /** Paths below the origin, e.g. `/se/rd/serde`. */
  paths: readonly string[];
  headers?: Record<string, string>;
  /** One deadline for the whole batch. */
  timeoutMs: number;
}

function headerOf(headers: http2.IncomingHttpHeaders): Http2Answer['header'] {
  return (name) => {
    const value = headers[name.toLowerCase()];
    return Array.isArray(value) ? value.join(', ') : (value ?? null);
  };
}

/** GET of every path at once, each answer handed to `step`; the results in the order of `paths`. */
export function getEach<T>(batch: Http2Batch, needsBody: Http2NeedsBody, step: Http2Step<T>): Promise<Array<T | null>> {
  const results: Array<T | null> = batch.paths.map(() => null);
  if (!batch.paths.length) return Promise.resolve(results);
  return new Promise((resolve) => {
    let session: http2.ClientHttp2Session;
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      session?.destroy();
      resolve(results);
    };
    const timer = setTimeout(finish, batch.timeoutMs);
    try {
      session = http2.connect(batch.origin);
    } catch {
      finish();
      return;
    }
    session.on('error', finish);
    session.on('close', finish);
    const request = (path: string): Promise<{ answer: Http2Answer; body: string | null } | null> =>
      new Promise((done) => {
        if (settled || session.destroyed) return done(null);
        let stream: http2.ClientHttp2Stream;
        try {
          stream = session.request({ ':method': 'GET', ':path': path, ...batch.headers });
        } catch {
          return done(null);
        }
        const chunks: Buffer[] = [];
        let answer: Http2Answer | null = null;
        let bodyWanted = true;
        // The first of end, error and close settles the request; a stream reset before its end has no answer, unless
        // we reset it ourselves once the headers said enough.
        const settle = (complete: boolean) => done(answer && (complete || !bodyWanted) ? { answer, body: bodyWanted ? Buffer.concat(chunks).toString('utf8') : null } : null);
        stream.on('response', (headers) => {
          answer = { status: Number(headers[':status']), header: headerOf(headers) };
          bodyWanted = needsBody(answer);
          if (!bodyWanted) {
            settle(true);
            stream.close(http2.constants.NGHTTP2_CANCEL);
          }
        });
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => settle(true));
        stream.on('error', () => settle(false));
        stream.on('close', () => settle(stream.rstCode === http2.constants.NGHTTP2_NO_ERROR));
        stream.end();
      });
    let pending = batch.paths.length;
    batch.paths.forEach((path, i) => {
      void (async () => {
        try {
          const got = await request(path);
          if (got && !settled) results[i] = step(got.answer, got.body);
        } catch {
          // This path stays null: the caller asks again.
        }
        if (--pending === 0) finish();
      })();
    });
  });
}
