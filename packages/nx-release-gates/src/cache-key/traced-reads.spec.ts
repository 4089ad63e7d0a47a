import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TraceRecord } from '../parsers/strace';
import type { DeclaredInputs } from './declared-inputs';
import { displayName, programName, TraceFacts, tracedFindings, workspaceFilesToCheck } from './traced-reads';

const declared: DeclaredInputs = {
  fileGroups: [{ origin: 'rust-crate of demo', positives: ['crates/demo/**/*'], negatives: ['crates/demo/target/**', 'crates/demo/Cargo.lock', 'crates/demo/**/*.md'] }],
  envNames: [],
  fingerprinted: true,
  envPatterns: [],
  trees: ['../outside-dep'],
};

const facts = (over: Partial<TraceFacts> = {}): TraceFacts => ({
  workspaceRoot: '/ws',
  crateDir: '/ws/crates/demo',
  home: '/home/me',
  task: 'demo:gate-test',
  declared,
  ignored: new Set(),
  tempDir: '/tmp',
  accountedFolders: ['/home/me/.rustup', '/home/me/.cargo/registry', '/home/me/.cargo/bin', '/ws/crates/demo/target', '/ws/.nx', '/ws/dist/release-gates'],
  filesIn: () => [],
  ...over,
});

const TEST = '/ws/crates/demo/target/debug/deps/demo-c6eed16a41322e53';
const SCRIPT = '/ws/crates/demo/target/debug/build/demo-40c6317946ff860c/build-script-build';
const read = (path: string, program = TEST, op: TraceRecord['op'] = 'read'): TraceRecord => ({ pid: 1, op, path, program });

describe('tracedFindings', () => {
  it('accounts for the toolchain, the system, the registry, build products, fingerprinted config and covered files', () => {
    const found = tracedFindings(
      [
        read('/home/me/.rustup/toolchains/stable/lib/librustc_driver.so', '/home/me/.rustup/toolchains/stable/bin/rustc'),
        read('/etc/ld.so.cache'),
        read('/proc/self/maps'),
        read('/home/me/.cargo/registry/src/index/itoa-1.0.11/src/lib.rs'),
        read('/ws/crates/demo/target/debug/deps/libitoa.rlib'),
        read('/ws/crates/demo/src/lib.rs', '/home/me/.rustup/toolchains/stable/bin/rustc'),
        read('/ws/.cargo/config.toml', ''),
        read('/ws/crates/demo/rust-toolchain.toml', '', 'missing'),
        read('/home/me/.gitconfig', ''),
        read('/ws/.git/HEAD', ''),
        read('/ws/.gitignore', ''),
        read('/tmp/nx-release-gates-nextest-42.toml', '/home/me/.cargo/bin/cargo-nextest'),
        read('/ws/outside-dep/src/lib.rs'.replace('/ws/', '/'), '/home/me/.rustup/toolchains/stable/bin/rustc'),
        read('/tmp/x', TEST, 'write'),
        read('/tmp/x'),
        read('/ws/crates/demo/missing.so', TEST, 'missing'),
      ],
      facts(),
    );
    expect(found.unaccounted).toEqual([]);
    expect(found.reads).toBe(13);
  });

  it('reports a file outside the crate that no input covers, a git-ignored file, and a file outside the workspace', () => {
    const found = tracedFindings(
      [read('/ws/shared-fixture.txt'), read('/ws/crates/demo/secret.txt', SCRIPT), read('/home/me/data.csv'), read('/ws/crates/demo/NOTES.md', SCRIPT), read('/ws/crates/demo/Cargo.lock', SCRIPT)],
      facts({ ignored: new Set(['crates/demo/secret.txt']) }),
    );
    expect(found.unaccounted).toEqual([
      expect.objectContaining({ name: 'shared-fixture.txt', readBy: 'test binary demo', why: 'in no input of demo:gate-test', fix: expect.stringContaining('"{workspaceRoot}/shared-fixture.txt"') }),
      expect.objectContaining({ name: 'crates/demo/secret.txt', readBy: 'demo (build script)', why: 'ignored by git or .nxignore, so Nx does not hash it' }),
      expect.objectContaining({ name: '~/data.csv', readBy: 'test binary demo', why: expect.stringContaining('outside the Nx workspace') }),
      expect.objectContaining({ name: 'crates/demo/NOTES.md', why: expect.stringContaining('excluded from the inputs of demo:gate-test by !crates/demo/**/*.md') }),
    ]);
  });

  it('accounts for the manifests cargo loads for the workspace (gate-lockfile keys them), not other files of a sibling', () => {
    const found = tracedFindings([read('/ws/crates/sibling/Cargo.toml', ''), read('/ws/crates/sibling/src/lib.rs', '')], facts());
    expect(found.unaccounted.map((u) => u.name)).toEqual(['crates/sibling/src/lib.rs']);
  });

  it('leaves what git reads and lists for a build script (the commit stamp, whether the tree is dirty) unjudged', () => {
    const git = '/usr/bin/git';
    const filesIn = (folder: string) => (folder === '/ws' ? ['nx.json', 'notes.txt'] : []);
    const found = tracedFindings([read(git, SCRIPT, 'exec'), read('/ws', git, 'dir'), read('/ws/nx.json', git), read('/ws/crates/other/.ignore', git)], facts({ filesIn }));
    expect(found.unaccounted).toEqual([]);
  });

  it('judges a sibling\'s manifest or a .gitignore a test reads like any file: the rule keys them for cargo only', () => {
    const found = tracedFindings([read('/ws/crates/sibling/Cargo.toml', ''), read('/ws/crates/sibling/Cargo.toml'), read('/ws/crates/sibling/.gitignore', SCRIPT)], facts());
    expect(found.unaccounted.map((u) => [u.name, u.readBy])).toEqual([
      ['crates/sibling/Cargo.toml', 'test binary demo'],
      ['crates/sibling/.gitignore', 'demo (build script)'],
    ]);
  });

  it('a workspace script the tree ran is an input like a file it read; a program outside the workspace or one it built is not', () => {
    const found = tracedFindings(
      [
        read('/ws/tools/check.sh', TEST, 'exec'),
        read('/ws/tools/check.sh', '/bin/bash'),
        read('/ws/crates/demo/scripts/gen.sh', SCRIPT, 'exec'),
        read('/home/me/bin/helper', TEST, 'exec'),
        read('/ws/crates/demo/target/debug/build/demo-40c6317946ff860c/build-script-build', '/usr/bin/cargo', 'exec'),
      ],
      facts(),
    );
    // Reported once, for the program that ran it; the interpreter's read of it is then the tree's own.
    expect(found.unaccounted).toEqual([expect.objectContaining({ name: 'tools/check.sh', readBy: 'test binary demo', why: 'in no input of demo:gate-test' })]);
  });

  it('a file read before the tree wrote it is an input; one written first is not', () => {
    const found = tracedFindings([read('/ws/state.json'), read('/ws/state.json', TEST, 'write'), read('/ws/out.json', TEST, 'write'), read('/ws/out.json')], facts());
    expect(found.unaccounted.map((u) => u.name)).toEqual(['state.json']);
  });

  it("a link the tree made is the tree's own (a test's temporary folder and the link it put there)", () => {
    const found = tracedFindings([read('/tmp/.tmpA1/link', TEST, 'write'), read('/tmp/.tmpA1/link'), read('/tmp/.tmpA10/other')], facts());
    expect(found.unaccounted.map((u) => u.name)).toEqual(['/tmp/.tmpA10/other']);
  });

  it('a listed folder counts through the files it holds; cargo listing the crate folder does not', () => {
    const filesIn = (folder: string) => (folder === '/ws/data' ? ['a.txt'] : folder === '/ws/crates/demo' ? ['Cargo.lock', 'junk.log'] : []);
    const found = tracedFindings([read('/ws/data', SCRIPT, 'dir'), read('/ws/crates/demo', '/home/me/.cargo/bin/cargo', 'dir')], facts({ filesIn, ignored: new Set(['crates/demo/junk.log']) }));
    expect(found.unaccounted).toEqual([expect.objectContaining({ name: 'data', readBy: 'demo (build script)', why: 'a folder it lists holds a.txt, in no input of demo:gate-test' })]);
  });

  it('cargo listing another folder counts only for git-ignored files in it (a rerun-if-changed folder)', () => {
    const filesIn = (folder: string) => (folder === '/ws/crates/demo/assets' ? ['gen.bin', 'kept.txt'] : []);
    const cargo = '/home/me/.rustup/toolchains/stable/bin/cargo';
    const found = tracedFindings([read('/ws/crates/demo/assets', cargo, 'dir')], facts({ filesIn, ignored: new Set(['crates/demo/assets/gen.bin']) }));
    expect(found.unaccounted).toEqual([expect.objectContaining({ name: 'crates/demo/assets', readBy: 'cargo', why: 'a folder it lists holds gen.bin, ignored by git or .nxignore, so Nx does not hash it' })]);
  });

  it('reports an absent configuration file a tool looked for inside the workspace, unless an input covers it', () => {
    const clippy = '/home/me/.cargo/bin/clippy-driver';
    const found = tracedFindings(
      [read('/ws/clippy.toml', clippy, 'missing'), read('/ws/crates/demo/clippy.toml', clippy, 'missing'), read('/clippy.toml', clippy, 'missing'), read('/ws/crates/demo/src/bin', '', 'missing')],
      facts(),
    );
    expect(found.unaccounted).toEqual([expect.objectContaining({ name: 'clippy.toml', readBy: 'clippy-driver', why: expect.stringContaining('looked for and absent') })]);
  });

  it('counts an absent rustfmt.toml in the crate folder or an ancestor as keyed: the fingerprint lists those by rule', () => {
    const rustfmt = '/home/me/.rustup/toolchains/stable/bin/rustfmt';
    const probes = ['/ws/rustfmt.toml', '/ws/.rustfmt.toml', '/ws/crates/rustfmt.toml', '/ws/crates/demo/rustfmt.toml', '/ws/crates/demo/src/rustfmt.toml', '/rustfmt.toml'];
    expect(tracedFindings(probes.map((p) => read(p, rustfmt, 'missing')), facts()).unaccounted).toEqual([]);
    // A sibling crate's folder is no ancestor: its rustfmt.toml is not in this crate's fingerprint.
    expect(tracedFindings([read('/ws/crates/other/rustfmt.toml', rustfmt, 'missing')], facts()).unaccounted.map((u) => u.name)).toEqual(['crates/other/rustfmt.toml']);
  });

  it('judges a workspace under a system folder by its inputs', () => {
    const found = tracedFindings([read('/opt/ws/notes.txt')], facts({ workspaceRoot: '/opt/ws', crateDir: '/opt/ws/crates/demo', accountedFolders: [] }));
    expect(found.unaccounted.map((u) => u.name)).toEqual(['notes.txt']);
  });
});

describe('reads through symbolic links', () => {
  let base: string;
  beforeEach(() => {
    base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'traced-links-')));
    for (const dir of ['ws/crates/demo/src', 'ws/crates/dep/src', 'outside']) fs.mkdirSync(path.join(base, dir), { recursive: true });
    fs.writeFileSync(path.join(base, 'outside/ext.rs'), 'pub fn three() -> i32 {\n    3\n}\n');
    fs.writeFileSync(path.join(base, 'ws/crates/dep/src/shared.rs'), 'pub fn two() -> i32 {\n    2\n}\n');
    fs.writeFileSync(path.join(base, 'ws/crates/demo/src/lib.rs'), 'pub mod ext;\n');
    fs.symlinkSync(path.join(base, 'outside/ext.rs'), path.join(base, 'ws/crates/demo/src/ext.rs'));
    fs.symlinkSync('../../dep/src/shared.rs', path.join(base, 'ws/crates/demo/src/shared.rs'));
    fs.symlinkSync(path.join(base, 'ws'), path.join(base, 'ws-link'));
  });
  afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

  it('judges the file a link reaches, which Nx does not hash through the link', () => {
    const root = path.join(base, 'ws');
    const found = tracedFindings(
      [read(`${root}/crates/demo/src/lib.rs`), read(`${root}/crates/demo/src/ext.rs`), read(`${root}/crates/demo/src/shared.rs`)],
      facts({ workspaceRoot: root, crateDir: `${root}/crates/demo`, accountedFolders: [] }),
    );
    expect(Object.fromEntries(found.unaccounted.map((u) => [u.name, u.why]))).toEqual({
      'crates/demo/src/ext.rs': `a symbolic link to ${base}/outside/ext.rs, which is outside the Nx workspace, where no Nx input can hash it`,
      'crates/demo/src/shared.rs': 'a symbolic link to crates/dep/src/shared.rs, which is in no input of demo:gate-test',
    });
    expect(workspaceFilesToCheck([read(`${root}/crates/demo/src/shared.rs`)], facts({ workspaceRoot: root, accountedFolders: [] }))).toEqual(['crates/demo/src/shared.rs', 'crates/dep/src/shared.rs']);
  });

  it('takes no workspace spelled through a link for a link of its own', () => {
    const root = path.join(base, 'ws-link');
    const found = tracedFindings([read(`${root}/crates/demo/src/lib.rs`)], facts({ workspaceRoot: root, crateDir: `${root}/crates/demo`, accountedFolders: [] }));
    expect(found.unaccounted).toEqual([]);
  });
});

describe('workspaceFilesToCheck', () => {
  it('lists the workspace files read or held by listed folders, not build products', () => {
    const filesIn = (folder: string) => (folder === '/ws/data' ? ['a.txt'] : []);
    const records = [read('/ws/crates/demo/src/lib.rs'), read('/ws/crates/demo/target/x'), read('/etc/hosts'), read('/ws/data', SCRIPT, 'dir')];
    expect(workspaceFilesToCheck(records, facts({ filesIn }))).toEqual(['crates/demo/src/lib.rs', 'data/a.txt']);
  });
});

describe('names', () => {
  it('names programs as a person does', () => {
    expect(programName(TEST)).toBe('test binary demo');
    expect(programName(SCRIPT)).toBe('demo (build script)');
    expect(programName('/home/me/.rustup/toolchains/stable/bin/rustc')).toBe('rustc');
    expect(programName('')).toBe('cargo');
  });

  it('names files relative to the workspace or the home folder', () => {
    expect(displayName('/ws/a/b.txt', '/ws', '/home/me')).toBe('a/b.txt');
    expect(displayName('/home/me/.config/x', '/ws', '/home/me')).toBe('~/.config/x');
    expect(displayName('/srv/data', '/ws', '/home/me')).toBe('/srv/data');
    expect(displayName('/ws', '/ws', '/home/me')).toBe('.');
  });
});
