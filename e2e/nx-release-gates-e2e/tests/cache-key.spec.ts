/**
 * A maintainer edits an input cargo reads and runs the gates again: for each family of such inputs, a change either
 * re-runs the gate with the verdict a fresh run gives, or the gate's first result already listed the input as
 * undeclared, with the fix. The changes are chosen so that the fresh verdict is `failed`: a replayed pass would be
 * exactly the false pass to prevent.
 *
 * One workspace inside a folder of the test's own, so cargo config can sit above the Nx workspace; CARGO_HOME points
 * at a folder of the test too (the crates have no registry dependencies, so nothing is downloaded).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { crateFiles } from '../support/crates';
import { TestWorkspace } from '../support/workspace';

/** A binary that compiles with one warning: `-D warnings` from anywhere makes its build fail. */
const WARNING_MAIN = `//! Warns once.\nfn main() {\n    let unused = 1;\n    println!("hi");\n}\n`;

const BUILD_SCRIPT = `fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=FLAVOUR");
    if std::env::var("FLAVOUR").as_deref() == Ok("broken") {
        panic!("FLAVOUR=broken is not supported");
    }
}
`;

describe('what is in a gate\'s cache key', () => {
  let parent: string;
  let cargoHome: string;
  let ws: TestWorkspace;

  beforeAll(() => {
    parent = fs.mkdtempSync(path.join(os.tmpdir(), 'nrg-keyparent-'));
    cargoHome = path.join(parent, 'cargo-home');
    fs.mkdirSync(cargoHome, { recursive: true });
    fs.mkdirSync(path.join(parent, 'outside-dep', 'src'), { recursive: true });
    fs.writeFileSync(path.join(parent, 'outside-dep', 'Cargo.toml'), '[package]\nname = "outside-dep"\nversion = "0.1.0"\nedition = "2021"\n');
    fs.writeFileSync(path.join(parent, 'outside-dep', 'src', 'lib.rs'), 'pub fn answer() -> u32 {\n    42\n}\n');
    fs.writeFileSync(path.join(parent, 'outside.txt'), 'outside the workspace\n');
    ws = TestWorkspace.create('key', {
      parent,
      // These cases read what `warn` lists; the suite runs with CI=true, whose default is `deny`.
      pluginOptions: { undeclaredInputs: 'warn' },
      files: {
        ...crateFiles({ name: 'warny', dir: 'crates/warny', main: WARNING_MAIN }),
        ...crateFiles({ name: 'flavour', dir: 'crates/flavour', packageExtra: 'build = "build.rs"', files: { 'build.rs': BUILD_SCRIPT } }),
        ...crateFiles({
          name: 'reader',
          dir: 'crates/reader',
          // A file of no project, a gitignored file, a file outside the workspace, a path dependency's Markdown, and a
          // file the workspace's .nxignore excludes (Nx does not hash it, though the crate's `**/*` input matches it).
          main: `//! Reads files.\nconst A: &str = include_str!("../../../shared/data.txt");\nconst B: &str = include_str!("../generated.txt");\nconst C: &str = include_str!("../../../../outside.txt");\nconst D: &str = include_str!("../fixtures/expected.txt");\nfn main() {\n    println!("{}{}{}{}{}", A, B, C, D, notes::NOTES);\n}\n`,
          extra: '[dependencies]\nnotes = { path = "../notes" }\n',
          lockfile: false,
          files: { 'generated.txt': 'generated\n', '.gitignore': 'generated.txt\n', 'fixtures/expected.txt': 'expected\n' },
        }),
        ...crateFiles({ name: 'notes', dir: 'crates/notes', lib: '//! Notes.\n/// The notes.\npub const NOTES: &str = include_str!("../NOTES.md");\n', files: { 'NOTES.md': 'notes\n' } }),
        ...crateFiles({
          name: 'outsider',
          dir: 'crates/outsider',
          main: '//! Uses a crate outside the workspace.\nfn main() {\n    println!("{}", outside_dep::answer());\n}\n',
          extra: '[dependencies]\noutside-dep = { path = "../../../outside-dep" }\n',
          lockfile: false,
        }),
        'shared/data.txt': 'shared\n',
        '.nxignore': 'crates/reader/fixtures/\n',
      },
    });
  });
  afterAll(() => {
    ws?.remove();
    if (!process.env.KEEP_E2E_WORKSPACES) fs.rmSync(parent, { recursive: true, force: true });
  });

  const env = (extra: Record<string, string> = {}) => ({ CARGO_HOME: cargoHome, ...extra });
  /** Runs one gate and returns its result file and whether Nx replayed it. */
  function gate(project: string, target: string, extra: Record<string, string> = {}) {
    const run = ws.nx(['run', `${project}:${target}`], env(extra));
    const result = ws.result(project, target);
    return { run, result, replayed: /existing outputs match the cache|\[local cache\]|\[remote cache\]/.test(run.output) };
  }
  const summarySource = (project: string, target: string) =>
    (JSON.parse(ws.read('dist/release-gates/summary.json')).rows as any[]).find((r) => r.project === project && r.gate === target)?.source;

  it('replays a pass when nothing changed (the baseline the other cases compare with)', () => {
    expect(gate('warny', 'gate-build').result.status).toBe('passed');
    const again = gate('warny', 'gate-build');
    expect(again.result.status).toBe('passed');
    expect(summarySource('warny', 'gate-build')).toBe('local cache');
  });

  it.each([
    ['a cargo config file above the Nx workspace', () => path.join(parent, '.cargo', 'config.toml')],
    ['a gitignored cargo config file in a folder between the crate and the workspace root', () => ws.path('crates/.cargo/config.toml')],
    ['$CARGO_HOME/config.toml', () => path.join(cargoHome, 'config.toml')],
  ])('re-runs and fails when %s adds -D warnings', (_what, where) => {
    const file = where();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '[build]\nrustflags = ["-D", "warnings"]\n');
    if (file.startsWith(ws.root)) fs.writeFileSync(ws.path('crates/.gitignore'), '.cargo/\n');
    try {
      const run = gate('warny', 'gate-build');
      expect(summarySource('warny', 'gate-build')).toBe('ran');
      expect(run.result.status).toBe('failed');
      expect(run.run.exitCode).not.toBe(0);
    } finally {
      fs.rmSync(file);
    }
    // Back to the first configuration: its pass replays.
    expect(gate('warny', 'gate-build').result.status).toBe('passed');
    expect(summarySource('warny', 'gate-build')).toBe('local cache');
  });

  it.each([
    ['CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUSTFLAGS', '-D warnings'],
    ['CARGO_BUILD_RUSTFLAGS', '-D warnings'],
    ['CARGO_ENCODED_RUSTFLAGS', '-D\u001fwarnings'],
  ])('re-runs and fails with %s set (a variable family cargo reads)', (name, value) => {
    const run = gate('warny', 'gate-build', { [name]: value });
    expect(summarySource('warny', 'gate-build')).toBe('ran');
    expect(run.result.status).toBe('failed');
  });

  it.each([
    ['CFLAGS', '-O1'],
    ['CC_x86_64_unknown_linux_gnu', 'cc'],
    // A name no shell passes on (Nx runs the fingerprint through one): hashed as an Nx env input instead.
    ['CC_x86_64-unknown-linux-gnu', 'cc'],
    ['PKG_CONFIG_PATH', '/opt/lib/pkgconfig'],
  ])('misses when %s, a compiler variable build scripts read, changes', (name, value) => {
    gate('warny', 'gate-build', { [name]: value });
    expect(summarySource('warny', 'gate-build')).toBe('ran');
  });

  it('never hashes or stores a secret, and keeps out variables that differ between machines', () => {
    gate('warny', 'gate-build');
    // A token and the target directory's location change no verdict: the pass replays.
    gate('warny', 'gate-build', { CARGO_REGISTRY_TOKEN: 'cio-secret-123', CARGO_TERM_COLOR: 'always' });
    expect(summarySource('warny', 'gate-build')).toBe('local cache');
    const stored = fs.readdirSync(ws.path('dist/release-gates/warny')).map((f) => path.join(ws.path('dist/release-gates/warny'), f));
    for (const file of stored) if (fs.statSync(file).isFile()) expect(fs.readFileSync(file, 'utf8')).not.toContain('cio-secret-123');
  });

  it('re-runs and fails when a rust-toolchain.toml between the crate and the workspace root pins a toolchain that is not installed', () => {
    ws.write('crates/rust-toolchain.toml', '[toolchain]\nchannel = "1.80.0"\n');
    try {
      const run = gate('warny', 'gate-build');
      expect(summarySource('warny', 'gate-build')).toBe('ran');
      expect(run.result.status).toBe('failed');
      // The reason names the pin, not "cargo was not found".
      expect(run.result.reason).toMatch(/toolchain 1\.80\.0.*not installed.*rustup toolchain install/);
    } finally {
      fs.rmSync(ws.path('crates/rust-toolchain.toml'));
    }
  });

  describe('a variable a build script declares with rerun-if-env-changed', () => {
    it('is listed as undeclared, with the fix, while the cache key does not cover it', () => {
      const first = gate('flavour', 'gate-build');
      expect(first.result.status).toBe('passed');
      expect(first.result.details.undeclaredInputs).toEqual([
        expect.objectContaining({ kind: 'env', name: 'FLAVOUR', fix: expect.stringContaining('envInputs') }),
      ]);
    });

    it('joins the key through envInputs: a change then re-runs the gate, which fails', () => {
      const manifest = ws.read('crates/flavour/Cargo.toml');
      ws.write('crates/flavour/Cargo.toml', `${manifest}\n[package.metadata.release-gates]\nenv-inputs = ["FLAVOUR"]\n`);
      const declared = gate('flavour', 'gate-build');
      expect(declared.result.status).toBe('passed');
      expect(declared.result.details.undeclaredInputs).toBeUndefined();
      const broken = gate('flavour', 'gate-build', { FLAVOUR: 'broken' });
      expect(summarySource('flavour', 'gate-build')).toBe('ran');
      expect(broken.result.status).toBe('failed');
    });
  });

  it('lists files the compiler read that no input covers: outside every project, gitignored, outside the workspace, a dependency\'s Markdown, .nxignore\'d', () => {
    const run = gate('reader', 'gate-build');
    expect(run.result.status).toBe('passed');
    const listed = Object.fromEntries((run.result.details.undeclaredInputs as any[]).map((u) => [u.name, u.why]));
    expect(listed['shared/data.txt']).toMatch(/in no input/);
    expect(listed['crates/reader/generated.txt']).toMatch(/ignored by git/);
    expect(listed[path.join(parent, 'outside.txt')]).toMatch(/outside the Nx workspace/);
    expect(listed['crates/notes/NOTES.md']).toMatch(/excluded from the inputs .*\*\*\/\*\.md/);
    expect(listed['crates/reader/fixtures/expected.txt']).toMatch(/\.nxignore/);
    expect(Object.keys(listed)).toHaveLength(5);
  });

  it('fails the gate with undeclaredInputs: deny', () => {
    // Forget what the warn run recorded in release-gates.lock (it would now count as covered), as a person would.
    fs.rmSync(ws.path('crates/reader/release-gates.lock'), { force: true });
    const manifest = ws.read('crates/reader/Cargo.toml');
    ws.write('crates/reader/Cargo.toml', `${manifest}\n[package.metadata.release-gates]\nundeclared-inputs = "deny"\n`);
    const run = gate('reader', 'gate-build');
    expect(run.result.status).toBe('failed');
    expect(run.result.details.undeclaredInputs).toHaveLength(5);
    expect(run.run.exitCode).not.toBe(0);
  });

  it('hashes a path dependency outside the Nx workspace by content: breaking it re-runs the gate, which fails', () => {
    expect(gate('outsider', 'gate-build').result.status).toBe('passed');
    expect(gate('outsider', 'gate-build').result.status).toBe('passed');
    expect(summarySource('outsider', 'gate-build')).toBe('local cache');
    fs.writeFileSync(path.join(parent, 'outside-dep', 'src', 'lib.rs'), 'pub fn answer() -> u32 {\n    "not a number"\n}\n');
    const run = gate('outsider', 'gate-build');
    expect(summarySource('outsider', 'gate-build')).toBe('ran');
    expect(run.result.status).toBe('failed');
  });
});
