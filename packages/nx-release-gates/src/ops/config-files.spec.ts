import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { replacedSourceFolders, rustupOverrideFolder } from './config-files';

describe('replacedSourceFolders', () => {
  it('finds directory and local-registry sources, relative to the folder holding .cargo', () => {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'config-sources-'));
    const ws = path.join(base, 'ws');
    fs.mkdirSync(path.join(ws, '.cargo'), { recursive: true });
    fs.mkdirSync(path.join(ws, 'crate'), { recursive: true });
    fs.writeFileSync(
      path.join(ws, '.cargo', 'config.toml'),
      '[source.crates-io]\nreplace-with = "vendored"\n\n[source.vendored]\ndirectory = "vendor"\n\n[source.mirror]\nlocal-registry = "/srv/registry"\n',
    );
    const home = path.join(base, 'home');
    fs.mkdirSync(home);
    expect(replacedSourceFolders(path.join(ws, 'crate'), { CARGO_HOME: home })).toEqual([path.join(ws, 'vendor'), '/srv/registry']);
    fs.rmSync(base, { recursive: true, force: true });
  });

  it('finds none without source replacement', () => {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'config-sources-'));
    expect(replacedSourceFolders(base, { CARGO_HOME: path.join(base, 'home') })).toEqual([]);
    fs.rmSync(base, { recursive: true, force: true });
  });
});

describe('rustupOverrideFolder', () => {
  const homes: string[] = [];
  /** A fresh RUSTUP_HOME for one test. */
  const rustupHome = () => homes[homes.push(fs.mkdtempSync(path.join(os.tmpdir(), 'rustup-home-'))) - 1];
  afterAll(() => homes.forEach((h) => fs.rmSync(h, { recursive: true, force: true })));

  it('finds the nearest override at or above the folder', () => {
    const home = rustupHome();
    fs.writeFileSync(path.join(home, 'settings.toml'), `version = "12"\n[overrides]\n"/ws" = "stable"\n"/ws/crates/a" = "nightly"\n`);
    expect(rustupOverrideFolder('/ws/crates/a/sub', { RUSTUP_HOME: home })).toBe('/ws/crates/a');
    expect(rustupOverrideFolder('/ws/crates/b', { RUSTUP_HOME: home })).toBe('/ws');
    expect(rustupOverrideFolder('/elsewhere', { RUSTUP_HOME: home })).toBeNull();
    expect(rustupOverrideFolder('/ws/crates/ab', { RUSTUP_HOME: home })).toBe('/ws');
  });

  it('answers null without a settings file, and the folder itself when it does not parse', () => {
    const home = rustupHome();
    expect(rustupOverrideFolder('/ws', { RUSTUP_HOME: home })).toBeNull();
    fs.writeFileSync(path.join(home, 'settings.toml'), '[overrides\n');
    expect(rustupOverrideFolder('/ws/x', { RUSTUP_HOME: home })).toBe('/ws/x');
  });
});
