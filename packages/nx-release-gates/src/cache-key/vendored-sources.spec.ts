import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { sharedLookups } from '../ops/file-lookups';
import { vendoredLines } from './fingerprint';

describe('vendored sources in the fingerprint', () => {
  let ws: string;
  let env: Record<string, string>;
  beforeEach(() => {
    ws = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'vendored-')));
    env = { HOME: path.join(ws, 'home'), CARGO_HOME: path.join(ws, 'cargo-home') };
    fs.mkdirSync(path.join(ws, 'crate', '.cargo'), { recursive: true });
    fs.writeFileSync(path.join(ws, 'crate', '.cargo', 'config.toml'), '[source.crates-io]\nreplace-with = "vendored"\n[source.vendored]\ndirectory = "../vendor"\n');
    fs.mkdirSync(path.join(ws, 'vendor', 'itoa', 'src'), { recursive: true });
    fs.writeFileSync(path.join(ws, 'vendor', 'itoa', 'src', 'lib.rs'), 'pub fn f() {}\n');
    // Lists the file: cargo would check it, which a warm target directory skips; the key reads the file anyway.
    fs.writeFileSync(path.join(ws, 'vendor', 'itoa', '.cargo-checksum.json'), '{"files":{"src/lib.rs":"00"},"package":"11"}');
  });
  afterEach(() => fs.rmSync(ws, { recursive: true, force: true }));
  const lines = (lookups = sharedLookups()) => vendoredLines(ws, path.join(ws, 'crate'), env, lookups);

  it('keys the folder cargo config names by every file\'s content, its checksum file left as it was', () => {
    const [before] = lines();
    expect(before).toMatch(/^vendored: vendor [0-9a-f]{64}$/);
    fs.writeFileSync(path.join(ws, 'vendor', 'itoa', 'src', 'lib.rs'), 'compile_error!("patched");\n');
    expect(lines()).not.toEqual([before]);
  });

  it('reads a folder once per shared lookups (one run), and afresh for the next', () => {
    const run = sharedLookups();
    const [first] = lines(run);
    fs.writeFileSync(path.join(ws, 'vendor', 'itoa', 'src', 'lib.rs'), 'pub fn g() {}\n');
    expect(lines(run)).toEqual([first]);
    expect(lines()).not.toEqual([first]);
  });

  it('says nothing for a crate whose cargo config replaces no source', () => {
    fs.rmSync(path.join(ws, 'crate', '.cargo'), { recursive: true });
    expect(lines()).toEqual([]);
  });
});
