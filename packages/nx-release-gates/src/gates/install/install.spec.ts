import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { LockPackage } from '../../parsers/lockfile';
import { InstallFacts, installManifest, judgeInstall, lockDifferences, unpackCrate } from './install';

const CRATES_IO = 'registry+https://github.com/rust-lang/crates.io-index';
/** A Cargo.lock package: from crates.io, or the workspace's own (no source) with `local`. */
const pkg = (name: string, version: string, local = false): LockPackage => ({ name, version, source: local ? undefined : CRATES_IO, dependencies: [] });

const facts = (overrides: Partial<InstallFacts> = {}): InstallFacts => ({
  enabled: true,
  publish: true,
  packaged: { ok: true },
  resolution: { ok: true },
  fresh: [pkg('tool', '1.0.0', true), pkg('tinydep', '0.1.1')],
  committed: [pkg('tool', '1.0.0', true), pkg('tinydep', '0.1.0')],
  mode: 'build',
  build: { ok: true },
  ...overrides,
});

describe('lockDifferences', () => {
  it('lists registry packages whose versions differ, new packages, and ignores the crate itself', () => {
    const committed = [pkg('tool', '1.0.0', true), pkg('a', '1.0.0'), pkg('b', '2.0.0'), pkg('c', '1.0.0'), pkg('c', '2.0.0')];
    const fresh = [pkg('tool', '1.0.1', true), pkg('a', '1.0.0'), pkg('b', '2.1.0'), pkg('c', '2.0.0'), pkg('c', '1.0.0'), pkg('d', '0.1.0')];
    expect(lockDifferences(committed, fresh)).toEqual([
      { name: 'b', locked: ['2.0.0'], fresh: ['2.1.0'] },
      { name: 'd', locked: [], fresh: ['0.1.0'] },
    ]);
  });
});

describe('judgeInstall', () => {
  it('passes when the fresh resolution builds, naming what differs from Cargo.lock', () => {
    const outcome = judgeInstall(facts());
    expect(outcome.status).toBe('passed');
    expect(outcome.reason).toContain('tinydep 0.1.0 -> 0.1.1');
    expect(outcome.details).toMatchObject({ checked: 1, mode: 'build', differences: [{ name: 'tinydep' }] });
  });

  it("records the registry names the fresh resolution reached, for the next run's cache key", () => {
    const fresh = [pkg('tool', '1.0.0', true), pkg('b', '2.0.0'), pkg('a', '1.0.0'), pkg('a', '0.9.0')];
    expect(judgeInstall(facts({ fresh })).details?.resolvedNames).toEqual(['a', 'b']);
    expect(judgeInstall(facts({ fresh, build: { problem: 'error' } })).details?.resolvedNames).toEqual(['a', 'b']);
  });

  it('fails when the fresh resolution does not build, with the differing dependency in the reason', () => {
    const outcome = judgeInstall(facts({ build: { problem: 'error[E0061]: this function takes 2 arguments' } }));
    expect(outcome.status).toBe('failed');
    expect(outcome.reason).toMatch(/cargo install.*would fail.*E0061.*tinydep 0\.1\.0 -> 0\.1\.1/);
  });

  it('is skipped, never passed, when the registry does not answer', () => {
    const outcome = judgeInstall(facts({ resolution: { unreachable: 'failed to query replaced source registry' } }));
    expect(outcome.status).toBe('skipped');
    expect(outcome.details).toMatchObject({ registryUnreachable: true, checked: 0 });
  });

  it('fails when the dependencies do not resolve at all, and when packaging failed', () => {
    expect(judgeInstall(facts({ resolution: { problem: 'no matching package named `gone`' } })).status).toBe('failed');
    expect(judgeInstall(facts({ packaged: { problem: 'cargo package failed' } })).status).toBe('failed');
  });

  it('is off with install: false and for unpublished crates', () => {
    expect(judgeInstall(facts({ enabled: false })).reason).toContain('install: false');
    expect(judgeInstall(facts({ publish: false })).status).toBe('skipped');
  });
});

describe('installManifest', () => {
  it('makes the unpacked crate its own workspace and patches in its unpublished siblings', () => {
    const manifest = installManifest('[package]\nname = "tool"\n', [{ name: 'tool-core', folder: 'tool-core-0.2.0' }]);
    expect(manifest).toContain('\n[workspace]\n');
    expect(manifest).toContain('[patch.crates-io]\n"tool-core" = { path = "../tool-core-0.2.0" }');
  });
});

/** A gzipped tar of `files`, written like cargo writes a .crate (ustar headers). */
function tarGz(files: Record<string, string>): Buffer {
  const blocks: Buffer[] = [];
  for (const [name, content] of Object.entries(files)) {
    const header = Buffer.alloc(512);
    header.write(name, 0);
    header.write('0000644\0', 100);
    header.write(`${Buffer.byteLength(content).toString(8).padStart(11, '0')}\0`, 124);
    header.write('        ', 148);
    header.write('0', 156);
    header.write('ustar\x0000', 257);
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    const data = Buffer.alloc(Math.ceil(Buffer.byteLength(content) / 512) * 512);
    data.write(content);
    blocks.push(header, data);
  }
  return gzipSync(Buffer.concat([...blocks, Buffer.alloc(1024)]));
}

describe('unpackCrate', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nrg-unpack-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes the files under their top folder', () => {
    const file = path.join(dir, 'tool-1.0.0.crate');
    fs.writeFileSync(file, tarGz({ 'tool-1.0.0/Cargo.toml': '[package]\n', 'tool-1.0.0/src/main.rs': 'fn main() {}\n' }));
    const top = unpackCrate(file, path.join(dir, 'out'));
    expect(top).toBe(path.join(dir, 'out', 'tool-1.0.0'));
    expect(fs.readFileSync(path.join(top, 'src', 'main.rs'), 'utf8')).toBe('fn main() {}\n');
  });

  it('refuses a path that climbs out of the folder', () => {
    const file = path.join(dir, 'evil-1.0.0.crate');
    fs.writeFileSync(file, tarGz({ 'evil-1.0.0/../../escape.txt': 'x' }));
    expect(() => unpackCrate(file, path.join(dir, 'out2'))).toThrow(/unsafe path/);
    expect(fs.existsSync(path.join(dir, 'escape.txt'))).toBe(false);
  });
});
