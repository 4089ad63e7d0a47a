import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { indexFilePath, indexLocation, lookUpCrate, parseIndexEntry } from './registry-index';
import { checkPublishedVersion, fileSha256, judgePublishedVersion, previousPublished } from './published-version';

const ENTRY = [
  JSON.stringify({ name: 'hexyl', vers: '0.16.0', cksum: 'AA'.repeat(32), yanked: false }),
  JSON.stringify({ name: 'hexyl', vers: '0.17.0', cksum: 'bb'.repeat(32), yanked: false }),
  'not json',
].join('\n');

describe('registry index', () => {
  it('spells cargo index paths', () => {
    expect(indexFilePath('a')).toBe('1/a');
    expect(indexFilePath('ab')).toBe('2/ab');
    expect(indexFilePath('abc')).toBe('3/a/abc');
    expect(indexFilePath('Hexyl')).toBe('he/xy/hexyl');
  });

  it('reads versions and checksums, lowercased', () => {
    expect(parseIndexEntry(ENTRY)).toEqual([
      { version: '0.16.0', checksum: 'aa'.repeat(32), yanked: false },
      { version: '0.17.0', checksum: 'bb'.repeat(32), yanked: false },
    ]);
  });

  it('locates an entry over HTTP or in a folder', () => {
    expect(indexLocation('sparse+https://index.crates.io', 'hexyl')).toEqual({ url: 'https://index.crates.io/he/xy/hexyl' });
    expect(indexLocation('file:///srv/index/', 'hexyl')).toEqual({ folder: '/srv/index/', file: '/srv/index/he/xy/hexyl' });
  });

  it('looks a crate up in a local folder index: found, absent, or a folder that is not there', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'index-'));
    fs.mkdirSync(path.join(folder, 'he', 'xy'), { recursive: true });
    fs.writeFileSync(path.join(folder, 'he', 'xy', 'hexyl'), ENTRY);
    expect(await lookUpCrate(folder, 'hexyl')).toMatchObject({ kind: 'found', versions: [{ version: '0.16.0' }, { version: '0.17.0' }] });
    expect(await lookUpCrate(`file://${folder}`, 'vivid')).toMatchObject({ kind: 'absent' });
    expect(await lookUpCrate(path.join(folder, 'nope'), 'hexyl')).toMatchObject({ kind: 'unreachable' });
    fs.rmSync(folder, { recursive: true });
  });

  it('reports a registry that does not answer as unreachable', async () => {
    // Port 9 (discard) on localhost refuses connections on this kind of machine.
    expect(await lookUpCrate('http://127.0.0.1:9/', 'hexyl')).toMatchObject({ kind: 'unreachable' });
  });

  it("passes on the Retry-After of an index that answers 429 (too many requests), for the caller's wait", async () => {
    const server = http.createServer((_req, res) => res.writeHead(429, { 'retry-after': '12' }).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      expect(await lookUpCrate(`sparse+http://127.0.0.1:${port}/`, 'hexyl')).toMatchObject({ kind: 'unreachable', retryAfter: '12' });
    } finally {
      server.close();
    }
  });
});

describe('judgePublishedVersion', () => {
  const found = { kind: 'found' as const, versions: parseIndexEntry(ENTRY), where: 'x' };
  const facts = { crate: 'hexyl', version: '0.17.0', index: 'https://index.crates.io/', lookup: found, packagedChecksum: null };

  it('fails a taken version and says to bump it', () => {
    const verdict = judgePublishedVersion({ ...facts, packagedChecksum: 'cc'.repeat(32) });
    expect(verdict.kind).toBe('taken');
    expect(verdict.sentence).toMatch(/already published and the packaged .crate differs .*; bump the version/);
  });

  it('calls an identical .crate a resumed release', () => {
    expect(judgePublishedVersion({ ...facts, packagedChecksum: 'BB'.repeat(32) }).kind).toBe('resumed');
  });

  it('treats build metadata as the same version, a new version and a new crate as free', () => {
    expect(judgePublishedVersion({ ...facts, version: '0.17.0+build.1' }).kind).toBe('taken');
    expect(judgePublishedVersion({ ...facts, version: '0.18.0' }).kind).toBe('new');
    expect(judgePublishedVersion({ ...facts, lookup: { kind: 'absent', where: 'x' } }).kind).toBe('new');
    expect(judgePublishedVersion({ ...facts, lookup: { kind: 'unreachable', problem: 'ECONNREFUSED', where: 'x' } }).kind).toBe('unknown');
  });

  it('hashes a file', () => {
    const file = path.join(os.tmpdir(), `sha-${process.pid}`);
    fs.writeFileSync(file, 'abc');
    expect(fileSha256(file)).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    fs.rmSync(file);
    expect(fileSha256(file)).toBeNull();
  });
});

describe('previousPublished', () => {
  it('takes the newest earlier version the index holds that is not yanked', () => {
    const versions = [{ version: '0.1.0', checksum: '', yanked: false }, { version: '0.1.5', checksum: '', yanked: true }, { version: '0.3.0', checksum: '', yanked: false }];
    expect(previousPublished({ kind: 'found', versions, where: 'x' }, '0.2.0')).toBe('0.1.0');
    expect(previousPublished({ kind: 'absent', where: 'x' }, '0.2.0')).toBeNull();
    expect(previousPublished({ kind: 'unreachable', problem: 'ECONNREFUSED', where: 'x' }, '0.2.0')).toBeNull();
  });
});

describe('checkPublishedVersion', () => {
  it('reads the index given and asks for the packaged checksum only when the version is taken', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'index-'));
    fs.mkdirSync(path.join(folder, 'he', 'xy'), { recursive: true });
    fs.writeFileSync(path.join(folder, 'he', 'xy', 'hexyl'), ENTRY);
    const asked: string[] = [];
    const checksum = (value: string) => async () => (asked.push(value), value);
    expect((await checkPublishedVersion({ index: folder, crate: 'hexyl', version: '0.18.0' }, checksum('new'))).kind).toBe('new');
    expect((await checkPublishedVersion({ index: folder, crate: 'hexyl', version: '0.17.0' }, checksum('bb'.repeat(32)))).kind).toBe('resumed');
    expect((await checkPublishedVersion({ index: folder, crate: 'hexyl', version: '0.16.0' }, checksum('cc'.repeat(32)))).kind).toBe('taken');
    expect(asked).toEqual(['bb'.repeat(32), 'cc'.repeat(32)]);
    fs.rmSync(folder, { recursive: true });
  });
});
