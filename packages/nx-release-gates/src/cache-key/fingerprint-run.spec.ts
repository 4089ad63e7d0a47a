import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fingerprintLines, parseFingerprintArgs, ProgramLines } from './fingerprint';
import { FINGERPRINT_CHECK_VARIABLE, fingerprintGuardLine, fingerprintVariable } from './fingerprint-env';
import { fingerprintVariables, sharedPrograms } from './fingerprint-run';
import { sha256 } from '../util/hash';

describe('fingerprintVariables (one process for the whole run)', () => {
  let ws: string;
  let rustupHome: string;
  let asked: string[];
  const ask: ProgramLines = async (cwd) => {
    asked.push(path.relative(ws, cwd) || '.');
    return [`rustc: fake ${fs.existsSync(path.join(cwd, 'rust-toolchain.toml')) ? 'pinned' : 'default'}`, 'cargo: fake', 'cuda: none'];
  };
  const env = () => ({ PATH: process.env.PATH, HOME: ws, CARGO_HOME: path.join(ws, '.cargo-home'), RUSTUP_HOME: rustupHome, RUSTFLAGS: '-C debuginfo=1' });

  beforeEach(() => {
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'fp-run-'));
    rustupHome = path.join(ws, '.rustup');
    for (const crate of ['a', 'b', 'pinned']) fs.mkdirSync(path.join(ws, 'crates', crate), { recursive: true });
    fs.writeFileSync(path.join(ws, 'crates', 'pinned', 'rust-toolchain.toml'), '[toolchain]\nchannel = "1.95.0"\n');
    asked = [];
  });
  afterEach(() => fs.rmSync(ws, { recursive: true, force: true }));

  it('asks the programs once per toolchain choice, not once per crate', async () => {
    await fingerprintVariables(ws, [['crates/a'], ['crates/b'], ['crates/pinned']], env(), ask);
    expect(asked.sort()).toEqual(['crates/a', 'crates/pinned']);
  });

  it('asks again in a folder a `rustup override` covers', async () => {
    fs.mkdirSync(rustupHome, { recursive: true });
    fs.writeFileSync(path.join(rustupHome, 'settings.toml'), `[overrides]\n${JSON.stringify(path.join(ws, 'crates', 'b'))} = "nightly"\n`);
    await fingerprintVariables(ws, [['crates/a'], ['crates/b']], env(), ask);
    expect(asked.sort()).toEqual(['crates/a', 'crates/b']);
  });

  it('holds, per request, the hash of the lines the per-crate fingerprint prints', async () => {
    const vars = await fingerprintVariables(ws, [['crates/a'], ['crates/pinned', '--env', 'MY_*']], env(), ask);
    const a = await fingerprintLines({ workspaceRoot: ws, crateRoot: 'crates/a', envPatterns: [], trees: [], env: env() }, ask);
    expect(vars[fingerprintVariable(['crates/a'])]).toBe(sha256(a.join('\n')));
    expect(vars[fingerprintVariable(['crates/pinned', '--env', 'MY_*'])]).not.toBe(vars[fingerprintVariable(['crates/a'])]);
    // The check the shared input compares with: this environment passes it.
    expect(fingerprintGuardLine({ ...env(), ...vars })).toBe('fingerprints: computed once for this run');
    expect(fingerprintGuardLine({ ...env(), ...vars, MY_MODE: 'x' })).toMatch(/another environment/);
    expect(JSON.parse(vars[FINGERPRINT_CHECK_VARIABLE]).patterns).toEqual(['MY_*']);
  });

  it('changes a crate’s variable when what its fingerprint covers changes', async () => {
    const before = await fingerprintVariables(ws, [['crates/a']], env(), ask);
    fs.mkdirSync(path.join(ws, 'crates', 'a', '.cargo'));
    fs.writeFileSync(path.join(ws, 'crates', 'a', '.cargo', 'config.toml'), '[build]\nrustflags = ["-Dwarnings"]\n');
    const after = await fingerprintVariables(ws, [['crates/a']], env(), ask);
    expect(after[fingerprintVariable(['crates/a'])]).not.toBe(before[fingerprintVariable(['crates/a'])]);
    const otherFlags = await fingerprintVariables(ws, [['crates/a']], { ...env(), RUSTFLAGS: '-C debuginfo=2' }, ask);
    expect(otherFlags[fingerprintVariable(['crates/a'])]).not.toBe(after[fingerprintVariable(['crates/a'])]);
  });

  it('gives a crate whose files cannot be read a variable all the same (a line, as the runtime input printed)', async () => {
    const failing: ProgramLines = async () => {
      throw Object.assign(new Error('denied'), { code: 'EACCES' });
    };
    const vars = await fingerprintVariables(ws, [['crates/a']], env(), failing);
    expect(vars[fingerprintVariable(['crates/a'])]).toBe(sha256('unreadable: EACCES'));
  });

  it('gives every crate of a batch the lines it gets alone (files looked up once for the batch)', async () => {
    // Side by side crates under one cargo config (with an include), one rustfmt config, one release-gates.lock and a
    // pin for one of them; a crate with a config of its own; a user-level rustfmt file and a CARGO_HOME config.
    const write = (rel: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(ws, rel)), { recursive: true });
      fs.writeFileSync(path.join(ws, rel), text);
    };
    write('.cargo/config.toml', 'include = ["shared.toml"]\n[build]\nrustflags = ["-Dwarnings"]\n');
    write('.cargo/shared.toml', '[target.x86_64-unknown-linux-gnu]\nlinker = "tools/cc"\n');
    write('tools/cc', '#!/bin/sh\n');
    write('rustfmt.toml', 'max_width = 100\n');
    write('.rustfmt.toml', 'edition = "2021"\n');
    write('.cargo-home/config.toml', '[net]\nretry = 3\n');
    write('.config/rustfmt/rustfmt.toml', 'tab_spaces = 2\n');
    write('crates/b/.cargo/config.toml', '[build]\nrustc-wrapper = "../../tools/wrap"\n');
    for (const crate of ['a', 'b', 'pinned']) write(`crates/${crate}/Cargo.toml`, `[package]\nname = "${crate}"\nversion = "0.1.0"\n`);
    write(
      'release-gates.lock',
      ['version = 1', '[[read]]', 'crate = "a"', 'gate = "gate-test"', 'file = "data/fixture.txt"', '[[read]]', 'crate = "b"', 'gate = "gate-build"', 'env = "B_MODE"', ''].join('\n'),
    );
    write('data/fixture.txt', 'fixture\n');
    const requests = [['crates/a'], ['crates/b', '--env', 'MY_*'], ['crates/pinned']];
    const runEnv = { ...env(), MY_FLAG: '1', B_MODE: 'fast' };
    const batch = await fingerprintVariables(ws, requests, runEnv, ask);
    for (const request of requests) {
      const alone = await fingerprintLines({ workspaceRoot: ws, env: runEnv, ...parseFingerprintArgs(request) }, ask);
      expect(alone.some((line) => line.startsWith('config: .cargo/shared.toml'))).toBe(true);
      expect(batch[fingerprintVariable(request)]).toBe(sha256(alone.join('\n')));
    }
    const a = await fingerprintLines({ workspaceRoot: ws, crateRoot: 'crates/a', envPatterns: [], trees: [], env: runEnv }, ask);
    expect(a.filter((line) => /^(rustfmt|tool|learned|toolchain-file):/.test(line) || line.startsWith('learned ')).length).toBeGreaterThanOrEqual(5);
    expect(JSON.parse(batch[FINGERPRINT_CHECK_VARIABLE]).names).toContain('B_MODE');
  });

  it('sharedPrograms answers two folders under one pin from one question', async () => {
    const programs = sharedPrograms(ask);
    fs.mkdirSync(path.join(ws, 'crates', 'pinned', 'sub'));
    await programs(path.join(ws, 'crates', 'pinned'), env());
    await programs(path.join(ws, 'crates', 'pinned', 'sub'), env());
    expect(asked).toEqual(['crates/pinned']);
  });
});
