/**
 * A poisoned remote cache never passes a release. Writers run release-dry-run against the test cache server
 * (support/remote-cache-server.ts), signing with NX_RELEASE_GATES_SIGNING_KEY; a clean clone that trusts only the
 * committed public key (NX_RELEASE_GATES_TRUSTED_KEY) then runs the same gates from the cache:
 * (a) entries an untrusted writer (another key) stored are fetched, not trusted, and the gates run again; a direct
 *     run of gate-build (the platform jobs) fails the replay and removes its binary, so nothing unsigned is packed;
 * (c) entries a trusted writer stored replay (the check is not vacuous);
 * (b) the same trusted entries with a byte changed on the server (a result, gate-build's binary) run again, the
 *     untouched one still replays.
 * Each step reads the result files on disk: a re-ran gate's result is the clone's own run, never the writer's.
 */
import * as crypto from 'node:crypto';
import * as zlib from 'node:zlib';
import { cloneOf, emptyLocalCache } from '../support/clones';
import { crateFiles } from '../support/crates';
import { RemoteCacheServer } from '../support/remote-cache-server';
import { TestWorkspace } from '../support/workspace';

const CRATE = 'signed-tool';
const TOKEN = 'e2e-write-token';
const READ_ONLY = 'e2e-read-only-token';
/** Few, quick gates: two that only read the tree, and gate-build for an artifact (the binary). */
const GATES = ['gate-lockfile', 'gate-fmt', 'gate-build'];
const TRUSTED_KEY_FILE = 'release-gates.pub';

const pem = (key: crypto.KeyObject) => key.export({ type: key.type === 'private' ? 'pkcs8' : 'spki', format: 'pem' }).toString();
const trusted = crypto.generateKeyPairSync('ed25519');
const untrusted = crypto.generateKeyPairSync('ed25519');

interface Run {
  exitCode: number;
  output: string;
  /** Gate -> its row in release-dry-run.json. */
  rows: Record<string, Record<string, any>>;
}

/** Asynchronous: the cache server answers from this test process, which a synchronous spawn would block. */
async function dryRun(ws: TestWorkspace, env: Record<string, string>): Promise<Run> {
  const run = await ws.nxAsync(['run', `${CRATE}:release-dry-run`, `--gates=${GATES.join(',')}`], { ...emptyLocalCache(ws), ...env });
  const report = ws.result(CRATE, 'release-dry-run');
  return { exitCode: run.exitCode, output: run.output, rows: Object.fromEntries(report.rows.map((r: any) => [r.gate, r])) };
}

const field = (run: Run, name: string) => Object.fromEntries(GATES.map((g) => [g, run.rows[g]?.[name]]));
const every = (value: unknown) => Object.fromEntries(GATES.map((g) => [g, value]));

/**
 * The stored entry (a gzip'd tar, as Nx uploads it) with one byte changed in the first file whose name ends with
 * `suffix`: in a JSON result, a letter of the reason (the file stays JSON); elsewhere, a byte in the middle.
 * Null when no file of the entry matches.
 */
function tampered(entry: Buffer, suffix: string): Buffer | null {
  const gzipped = entry[0] === 0x1f && entry[1] === 0x8b;
  const tar = gzipped ? zlib.gunzipSync(entry) : Buffer.from(entry);
  for (let at = 0; at + 512 <= tar.length; ) {
    const name = tar.subarray(at, at + 100).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(tar.subarray(at + 124, at + 136).toString('utf8').replace(/\0.*$/s, '').trim() || '0', 8);
    if (!name) break;
    const start = at + 512;
    if (name.endsWith(suffix) && size > 0) {
      const reason = tar.subarray(start, start + size).indexOf('"reason": "');
      const index = start + (suffix.endsWith('.json') && reason >= 0 ? reason + '"reason": "'.length : Math.floor(size / 2));
      tar[index] = tar[index] === 0x58 ? 0x59 : 0x58;
      return gzipped ? zlib.gzipSync(tar) : tar;
    }
    at = start + Math.ceil(size / 512) * 512;
  }
  return null;
}

/** Changes a byte of the first stored entry holding a file ending with `suffix`, on the server; false when none does. */
function tamperWith(server: RemoteCacheServer, suffix: string): boolean {
  for (const [hash, entry] of server.entries) {
    const changed = tampered(entry, suffix);
    if (changed) {
      server.entries.set(hash, changed);
      return true;
    }
  }
  return false;
}

describe('a poisoned remote cache', () => {
  let writer: TestWorkspace;
  let release: TestWorkspace;
  const releaseEnv = (server: RemoteCacheServer) => ({ ...server.env(READ_ONLY), NX_RELEASE_GATES_TRUSTED_KEY: TRUSTED_KEY_FILE });
  const servers: RemoteCacheServer[] = [];

  beforeAll(() => {
    writer = TestWorkspace.create('poison-writer', { files: { ...crateFiles({ name: CRATE }), [TRUSTED_KEY_FILE]: pem(trusted.publicKey) } });
    release = cloneOf(writer, 'poison-release');
  });
  afterAll(async () => {
    for (const server of servers) await server.stop();
    writer?.remove();
    release?.remove();
  });

  async function filledBy(key: crypto.KeyObject): Promise<RemoteCacheServer> {
    const server = await RemoteCacheServer.start({ token: TOKEN, readOnlyToken: READ_ONLY });
    servers.push(server);
    const run = await dryRun(writer, { ...server.env(), NX_RELEASE_GATES_SIGNING_KEY: pem(key) });
    expect(field(run, 'status')).toEqual(every('passed'));
    expect(field(run, 'source')).toEqual(every('ran'));
    expect(server.counters.puts).toBe(GATES.length);
    for (const gate of GATES) expect(writer.exists(`dist/release-gates/${CRATE}/${gate}.signature.json`)).toBe(true);
    return server;
  }

  /** The gate's result in the release clone was computed there, not restored from the writer's entry. */
  const ranInRelease = (gate: string) => {
    const own = release.result(CRATE, gate);
    return own.run.runId !== writer.result(CRATE, gate).run.runId && own.startedAt !== writer.result(CRATE, gate).startedAt;
  };

  let untrustedServer: RemoteCacheServer;

  it('(a) does not replay entries another key signed: every gate runs again, and the release says so', async () => {
    const server = (untrustedServer = await filledBy(untrusted.privateKey));
    server.resetCounters();
    const run = await dryRun(release, releaseEnv(server));
    expect(server.counters.hits).toBe(GATES.length);
    expect(run.exitCode).toBe(0);
    expect(field(run, 'status')).toEqual(every('passed'));
    expect(field(run, 'source')).toEqual(every('ran'));
    for (const gate of GATES) {
      expect(run.rows[gate].replayTrust).toMatch(/^replay not signed by a trusted run \(signed by another key .*\): re-ran$/);
      expect(ranInRelease(gate)).toBe(true);
    }
    expect(run.output).toContain(`↻ ${CRATE}:gate-fmt: replay not signed by a trusted run (signed by another key`);
  });

  it('(a) a direct run of gate-build (as the platform jobs run it) fails the unsigned replay and leaves no binary to pack', async () => {
    const run = await release.nxAsync(['run', `${CRATE}:gate-build`], { ...emptyLocalCache(release), ...releaseEnv(untrustedServer) });
    expect(run.output).toContain('remote cache');
    const row = JSON.parse(release.read('dist/release-gates/summary.json')).rows.find((r: any) => r.gate === 'gate-build');
    expect(row).toMatchObject({ status: 'failed', source: 'remote cache' });
    expect(row.reason).toMatch(/^replay not signed by a trusted run \(signed by another key .*\); its outputs were removed: run it again with --skip-nx-cache$/);
    expect(release.exists(`dist/release-gates/${CRATE}/bin/${CRATE}`)).toBe(false);
    expect(release.exists(`dist/release-gates/${CRATE}/gate-build.json`)).toBe(false);
  });

  describe('entries a trusted writer signed', () => {
    let server: RemoteCacheServer;
    beforeAll(async () => {
      server = await filledBy(trusted.privateKey);
    });

    it('(c) replay when untouched', async () => {
      server.resetCounters();
      const run = await dryRun(release, releaseEnv(server));
      expect(run.exitCode).toBe(0);
      expect(field(run, 'status')).toEqual(every('passed'));
      expect(field(run, 'source')).toEqual(every('remote cache'));
      expect(field(run, 'replayTrust')).toEqual(every(undefined));
      for (const gate of GATES) expect(release.result(CRATE, gate)).toEqual(writer.result(CRATE, gate));
      expect(run.output).not.toContain('replay not signed');
    });

    it('(b) run again when a byte of a result or of a binary changed on the server; the untouched entry still replays', async () => {
      expect(tamperWith(server, '/gate-fmt.json')).toBe(true);
      expect(tamperWith(server, `/bin/${CRATE}`)).toBe(true);
      const run = await dryRun(release, releaseEnv(server));
      expect(run.exitCode).toBe(0);
      expect(field(run, 'status')).toEqual(every('passed'));
      expect(field(run, 'source')).toEqual({ 'gate-lockfile': 'remote cache', 'gate-fmt': 'ran', 'gate-build': 'ran' });
      expect(run.rows['gate-fmt'].replayTrust).toMatch(/gate-fmt\.json changed after it was signed\): re-ran$/);
      expect(run.rows['gate-build'].replayTrust).toMatch(new RegExp(`bin/${CRATE} changed after it was signed\\): re-ran$`));
      expect(ranInRelease('gate-fmt')).toBe(true);
      expect(ranInRelease('gate-build')).toBe(true);
      // The binary on disk is the one the release built, not the tampered one.
      expect(release.run(release.path(`dist/release-gates/${CRATE}/bin/${CRATE}`), [])).toMatchObject({ exitCode: 0 });
    });
  });
});
