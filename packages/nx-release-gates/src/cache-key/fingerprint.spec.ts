import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { askPrograms, envValueHash, fingerprintArgs, fingerprintLines, outsideFileLines, parseFingerprintArgs, rustfmtConfigLines, toolFileLines } from './fingerprint';
import { treeHash } from './tree-hash';
import { useTempTree } from '../testing/temp-tree';
import { sha256 } from '../util/hash';

describe('fingerprint arguments', () => {
  it('stay readable when shell-safe and round-trip', () => {
    const request = { crateRoot: 'crates/app', envPatterns: ['MY_MODE'], trees: ['../shared'] };
    const args = fingerprintArgs(request);
    expect(args).toEqual(['crates/app', '--env', 'MY_MODE', '--tree', '../shared']);
    expect(parseFingerprintArgs(args)).toEqual(request);
  });

  it('encode a `PREFIX_*` pattern, which sh would expand against the workspace files', () => {
    const request = { crateRoot: 'crates/app', envPatterns: ['MY_*'], trees: ['../shared'] };
    const args = fingerprintArgs(request);
    expect(args).toEqual([expect.stringMatching(/^b64:[A-Za-z0-9_-]+$/)]);
    expect(parseFingerprintArgs(args)).toEqual(request);
  });

  it('read the readable form as written (a runtime input written by hand)', () => {
    expect(parseFingerprintArgs(['crates/app', '--env', 'MY_*', '--tree', '../shared'])).toEqual({ crateRoot: 'crates/app', envPatterns: ['MY_*'], trees: ['../shared'] });
  });

  it('become one base64url argument when a value holds anything a shell could read', () => {
    const request = { crateRoot: 'my crates/$(rm -rf ~);x', envPatterns: [], trees: ["../it's"] };
    const args = fingerprintArgs(request);
    expect(args).toHaveLength(1);
    expect(args[0]).toMatch(/^b64:[A-Za-z0-9_-]+$/);
    expect(parseFingerprintArgs(args)).toEqual(request);
  });
});

describe('fingerprintLines', () => {
  let base: string;
  beforeAll(() => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'fp-'));
  });
  afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

  /** The same layout under two parent folders: what two clones on two machines look like. */
  function layout(parent: string, config: string) {
    const ws = path.join(base, parent, 'ws');
    fs.mkdirSync(path.join(ws, 'crates', 'app', '.cargo'), { recursive: true });
    fs.mkdirSync(path.join(base, parent, '.cargo'), { recursive: true });
    fs.mkdirSync(path.join(base, parent, 'home'), { recursive: true });
    fs.writeFileSync(path.join(ws, 'crates', 'app', '.cargo', 'config.toml'), config);
    fs.writeFileSync(path.join(base, parent, '.cargo', 'config.toml'), '[net]\noffline = true\n');
    fs.writeFileSync(path.join(base, parent, 'home', 'config.toml'), '[build]\njobs = 2\n');
    fs.mkdirSync(path.join(base, parent, 'shared', 'src'), { recursive: true });
    fs.writeFileSync(path.join(base, parent, 'shared', 'src', 'lib.rs'), 'pub fn x() {}\n');
    return ws;
  }
  const linesFor = (ws: string, home: string, env: Record<string, string> = {}) =>
    fingerprintLines({ workspaceRoot: ws, crateRoot: 'crates/app', envPatterns: ['MY_*'], trees: ['../shared'], env: { PATH: process.env.PATH, CARGO_HOME: home, ...env } });

  it('prints the same lines for two copies in different folders, with no absolute path in them', async () => {
    const a = layout('a', '[build]\nrustflags = ["-Dwarnings"]\n');
    const b = layout('b-longer/path', '[build]\nrustflags = ["-Dwarnings"]\n');
    const here = await linesFor(a, path.join(base, 'a', 'home'), { MY_MODE: 'x', RUSTFLAGS: '-Cdebuginfo=1' });
    const there = await linesFor(b, path.join(base, 'b-longer/path', 'home'), { MY_MODE: 'x', RUSTFLAGS: '-Cdebuginfo=1' });
    expect(there).toEqual(here);
    expect(here.join('\n')).not.toContain(base);
    expect(here.some((l) => l.startsWith('config: crates/app/.cargo/config.toml '))).toBe(true);
    expect(here.some((l) => l.startsWith('config: above-workspace '))).toBe(true);
    expect(here.some((l) => l.startsWith('config: cargo-home '))).toBe(true);
    expect(here.filter((l) => l.startsWith('env: ')).map((l) => l.split(' ')[1])).toEqual(['MY_MODE', 'RUSTFLAGS']);
    expect(here.join('\n')).not.toContain('-Cdebuginfo=1');
    expect(here.some((l) => l.startsWith('tree: ../shared '))).toBe(true);
  });

  it('holds a secret-looking name declared in full as a slow hash, never its value, the same on every machine', async () => {
    const ws = layout('d', '[build]\n');
    const home = path.join(base, 'd', 'home');
    const declared = (value: string) =>
      fingerprintLines({ workspaceRoot: ws, crateRoot: 'crates/app', envPatterns: ['MAX_TOKENS'], trees: [], env: { PATH: process.env.PATH, CARGO_HOME: home, MAX_TOKENS: value } });
    const lines = await declared('4096');
    const line = lines.find((l) => l.startsWith('env: MAX_TOKENS '));
    expect(line).toBe(`env: MAX_TOKENS ${envValueHash('MAX_TOKENS', '4096')}`);
    expect(lines.join('\n')).not.toContain('4096');
    expect(envValueHash('MAX_TOKENS', '4096')).not.toBe(sha256('4096').slice(0, 16));
    expect(envValueHash('MAX_TOKENS', '4096')).toMatch(/^[0-9a-f]{32}$/);
    expect(await declared('8192')).not.toEqual(lines);
    // Other names keep their short SHA-256, so existing keys do not change.
    expect(envValueHash('MY_MODE', 'x')).toBe(sha256('x').slice(0, 16));
  });

  it('gives a report the same file lines without asking a program (outsideFileLines)', async () => {
    const ws = layout('e', '[build]\n');
    const home = path.join(base, 'e', 'home');
    const env = { PATH: process.env.PATH ?? '', CARGO_HOME: home };
    const askNothing = async () => [];
    const files = (lines: string[]) => lines.filter((l) => /^(config|toolchain-file|tree): /.test(l));
    const full = await fingerprintLines({ workspaceRoot: ws, crateRoot: 'crates/app', envPatterns: [], trees: ['../shared'], env }, askNothing);
    const outside = outsideFileLines({ workspaceRoot: ws, crateRoot: 'crates/app', trees: ['../shared'], env });
    expect(outside).toEqual(files(full));
    expect(outside.length).toBeGreaterThanOrEqual(4);
  });

  it('changes when a config file, a variable or an outside tree changes', async () => {
    const ws = layout('c', '[build]\n');
    const home = path.join(base, 'c', 'home');
    const before = await linesFor(ws, home);
    fs.writeFileSync(path.join(home, 'config.toml'), '[build]\nrustflags = ["-Dwarnings"]\n');
    const config = await linesFor(ws, home);
    expect(config).not.toEqual(before);
    expect(await linesFor(ws, home, { CARGO_PROFILE_RELEASE_LTO: 'fat' })).not.toEqual(config);
    const tree = treeHash(path.join(base, 'c', 'shared'));
    fs.writeFileSync(path.join(base, 'c', 'shared', 'src', 'lib.rs'), 'pub fn y() {}\n');
    expect(treeHash(path.join(base, 'c', 'shared'))).not.toBe(tree);
  });

  it('prints the crate\'s release-gates.lock entries, only its own, and says when the file does not parse', async () => {
    const ws = layout('d', '[build]\n');
    const home = path.join(base, 'd', 'home');
    fs.writeFileSync(path.join(ws, 'crates', 'app', 'Cargo.toml'), '[package]\nname = "app"\nversion = "0.1.0"\n');
    fs.writeFileSync(path.join(ws, 'fixture.txt'), 'one');
    fs.writeFileSync(
      path.join(ws, 'release-gates.lock'),
      '[[read]]\ncrate = "app"\ngate = "gate-test"\nfile = "fixture.txt"\n\n[[read]]\ncrate = "other"\ngate = "gate-test"\nenv = "X"\n\n[[contradicted]]\ncrate = "app"\ngate = "gate-test"\nkey = "99"\n',
    );
    const lines = await linesFor(ws, home);
    expect(lines.filter((l) => l.startsWith('learned') || l.startsWith('contradicted'))).toEqual(['contradicted gate-test 99', expect.stringMatching(/^learned file fixture\.txt [0-9a-f]{64}$/)]);
    fs.writeFileSync(path.join(ws, 'fixture.txt'), 'two');
    expect(await linesFor(ws, home)).not.toEqual(lines);
    fs.writeFileSync(path.join(ws, 'release-gates.lock'), '[[read]\n');
    expect((await linesFor(ws, home)).slice(-1)).toEqual(['learned: unreadable release-gates.lock']);
  });
});

describe('fingerprint lines by rule', () => {
  const tree = useTempTree('fp-rule-');
  const { write } = tree;

  it('rustfmt: names each configuration file by workspace path or place, and changes with its content', () => {
    write('ws/crates/app/rustfmt.toml', 'max_width = 40\n');
    write('.rustfmt.toml', 'edition = "2021"\n');
    write('home/.config/rustfmt/rustfmt.toml', 'tab_spaces = 2\n');
    const env = { HOME: path.join(tree.root, 'home') };
    const lines = rustfmtConfigLines(path.join(tree.root, 'ws'), path.join(tree.root, 'ws', 'crates', 'app'), env);
    expect(lines.map((l) => l.split(' ').slice(0, 2).join(' '))).toEqual(['rustfmt: crates/app/rustfmt.toml', 'rustfmt: above-workspace', 'rustfmt: ~/.config/rustfmt/rustfmt.toml']);
    write('ws/crates/app/rustfmt.toml', 'max_width = 41\n');
    expect(rustfmtConfigLines(path.join(tree.root, 'ws'), path.join(tree.root, 'ws', 'crates', 'app'), env)).not.toEqual(lines);
  });

  it('tools: a linker named by path is hashed by content, a missing one says `absent`', () => {
    write('ws/crates/app/.cargo/config.toml', '[target.x86_64-unknown-linux-gnu]\nlinker = "tools/link.sh"\n');
    const env = { HOME: path.join(tree.root, 'home'), CARGO_HOME: path.join(tree.root, 'cargo-home') };
    const lines = () => toolFileLines(path.join(tree.root, 'ws'), path.join(tree.root, 'ws', 'crates', 'app'), env);
    expect(lines()).toEqual(['tool: crates/app/tools/link.sh absent']);
    write('ws/crates/app/tools/link.sh', '#!/bin/sh\nexec cc "$@"\n');
    const first = lines();
    expect(first[0]).toMatch(/^tool: crates\/app\/tools\/link\.sh [0-9a-f]{64}$/);
    write('ws/crates/app/tools/link.sh', '#!/bin/sh\nexit 1\n');
    expect(lines()).not.toEqual(first);
    expect(toolFileLines(path.join(tree.root, 'ws'), path.join(tree.root, 'ws'), { ...env, RUSTC_WRAPPER: path.join(tree.root, 'wrap') })).toEqual(['tool: outside-workspace absent']);
  });
});

describe('askPrograms: the toolkits CUDA_PATH and CUDA_HOME point at', () => {
  let base: string;
  const toolkit = (name: string, release: string) => {
    const bin = path.join(base, name, 'bin');
    fs.mkdirSync(bin, { recursive: true });
    fs.writeFileSync(path.join(bin, 'nvcc'), `#!/bin/sh\necho "Cuda compilation tools, release ${release}, V${release}.0"\n`, { mode: 0o755 });
    return path.join(base, name);
  };
  beforeAll(() => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'fp-cuda-'));
  });
  afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

  it('are keyed by version, once per variable that is set, so the variables themselves need not be', async () => {
    const env = { PATH: '/usr/bin:/bin', CUDA_PATH: toolkit('cuda-12', '12.4'), CUDA_HOME: path.join(base, 'nothing-here') };
    const lines = await askPrograms(base, env);
    expect(lines.filter((l) => l.startsWith('cuda'))).toEqual(['cuda: 12.4', 'cuda at CUDA_PATH: 12.4', 'cuda at CUDA_HOME: none']);
    const moved = await askPrograms(base, { ...env, CUDA_PATH: toolkit('elsewhere', '12.4') });
    expect(moved.filter((l) => l.startsWith('cuda'))).toEqual(lines.filter((l) => l.startsWith('cuda')));
    const other = await askPrograms(base, { ...env, CUDA_PATH: toolkit('cuda-13', '13.5') });
    expect(other).toContain('cuda at CUDA_PATH: 13.5');
  });

  it('add no line when neither is set', async () => {
    const lines = await askPrograms(base, { PATH: '/usr/bin:/bin' });
    expect(lines.filter((l) => l.startsWith('cuda at'))).toEqual([]);
  });
});
