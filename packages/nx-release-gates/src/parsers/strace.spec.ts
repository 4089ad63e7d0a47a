import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseStrace, straceCalls } from './strace';

// Lines of `strace -f -qq --seccomp-bpf -y ... -- cargo test` (and `cargo fmt --check`) on a scratch crate whose build
// script reads ../outside-build.txt and whose test reads ../shared-fixture.txt.
const recorded = fs.readFileSync(path.join(__dirname, '__fixtures__', 'strace-cargo-test.txt'), 'utf8');

describe('parseStrace on recorded output', () => {
  const records = parseStrace(recorded);
  const find = (file: string) => records.filter((r) => r.path === file);

  it('resolves a relative path against the directory -y prints, and names the program from the execve', () => {
    expect(find('/tmp/trc/outside-build.txt')).toEqual([
      { pid: 10165, op: 'read', path: '/tmp/trc/outside-build.txt', program: '/tmp/trc/demo/target/debug/build/demo-40c6317946ff860c/build-script-build' },
    ]);
  });

  it('gives a thread the program of the process that cloned it, even when the child is logged before the clone returns', () => {
    expect(find('/tmp/trc/shared-fixture.txt')).toEqual([{ pid: 10275, op: 'read', path: '/tmp/trc/shared-fixture.txt', program: '/tmp/trc/demo/target/debug/deps/demo-c6eed16a41322e53' }]);
    expect(records.find((r) => r.op === 'exec' && r.pid === 10267)?.path).toBe('/tmp/trc/demo/target/debug/deps/demo-c6eed16a41322e53');
  });

  it('tells writes, listings, missing files and stat probes apart', () => {
    expect(find('/tmp/trc/demo/target/.rustc_info.json')[0].op).toBe('write');
    expect(find('/tmp/trc/demo/target/debug/.fingerprint/itoa-64bae39012d60436/invoked.timestamp')[0].op).toBe('write');
    expect(find('/tmp/trc/demo/src/bin')[0].op).toBe('missing');
    expect(find('/tmp/trc/demo/rustfmt.toml')[0].op).toBe('missing');
    expect(find('/tmp/trc/demo/rust-toolchain.toml')[0].op).toBe('missing');
    expect(find('/root/.gitconfig')[0]).toMatchObject({ op: 'read', program: '/root/.cargo/bin/cargo' });
    // A stat of an open descriptor (path "") and a successful stat are no reads.
    expect(records.some((r) => r.path === '' || r.path.endsWith('invoked.timestamp') && r.op !== 'write')).toBe(false);
  });
});

describe('straceCalls', () => {
  it('joins the halves of a call another process interrupted', () => {
    const calls = straceCalls(
      [
        '7  openat(AT_FDCWD</w>, "a.txt", O_RDONLY|O_CLOEXEC <unfinished ...>',
        '8  chdir("/x")            = 0',
        '7  <... openat resumed>)             = 3</w/a.txt>',
      ].join('\n'),
    );
    expect(calls).toEqual([
      { pid: 8, name: 'chdir', args: '"/x"', ret: '0' },
      { pid: 7, name: 'openat', args: 'AT_FDCWD</w>, "a.txt", O_RDONLY|O_CLOEXEC', ret: '3</w/a.txt>' },
    ]);
  });
});

describe('parseStrace', () => {
  it('decodes escaped names and resolves a plain open() against the last chdir', () => {
    const records = parseStrace(
      [
        '1 execve("/bin/prog", ["prog"], 0x0 /* 1 var */) = 0',
        '1 chdir("/work/a b")  = 0',
        '1 open("caf\\303\\251 \\"q\\".txt", O_RDONLY) = 3</work/a b/café "q".txt>',
        '1 openat(3</work/dir>, "inner", O_RDONLY) = 4</work/dir/inner>',
        '1 openat2(AT_FDCWD</work>, "out.bin", {flags=O_WRONLY|O_CREAT, mode=0644}, 24) = 5</work/out.bin>',
        '1 openat(AT_FDCWD</work>, "denied", O_RDONLY) = -1 EACCES (Permission denied)',
        '1 execve("/nope/prog", ["prog"], 0x0 /* 1 var */) = -1 ENOENT (No such file or directory)',
      ].join('\n'),
    );
    expect(records.map((r) => [r.op, r.path])).toEqual([
      ['exec', '/bin/prog'],
      ['read', '/work/a b/café "q".txt'],
      ['read', '/work/dir/inner'],
      ['write', '/work/out.bin'],
    ]);
  });

  it('takes a file opened to read and write, neither created nor emptied, as read (its content before counts)', () => {
    const records = parseStrace(
      [
        '1 execve("/bin/prog", ["prog"], 0x0 /* 1 var */) = 0',
        '1 openat(AT_FDCWD, "/work/fixture.txt", O_RDWR|O_CLOEXEC) = 3',
        '1 openat(AT_FDCWD, "/work/log.txt", O_RDWR|O_APPEND|O_CLOEXEC) = 4',
        '1 openat(AT_FDCWD, "/work/new.txt", O_RDWR|O_CREAT|O_CLOEXEC, 0666) = 5',
        '1 openat(AT_FDCWD, "/work/emptied.txt", O_RDWR|O_TRUNC|O_CLOEXEC) = 6',
        '1 openat(AT_FDCWD, "/work/gone.txt", O_RDWR|O_CLOEXEC) = -1 ENOENT (No such file or directory)',
      ].join('\n'),
    );
    expect(records.map((r) => [r.op, r.path])).toEqual([
      ['exec', '/bin/prog'],
      ['read', '/work/fixture.txt'],
      ['read', '/work/log.txt'],
      ['write', '/work/new.txt'],
      ['write', '/work/emptied.txt'],
      ['missing', '/work/gone.txt'],
    ]);
  });

  it('skips lines it does not understand', () => {
    expect(parseStrace('garbage\n+++ exited with 0 +++\n12 read(3, "x", 1) = 1\n')).toEqual([]);
  });
});

// The same kind of run traced as the gates trace it, without -y (parsers/strace.ts follows directories itself): a
// build script reads ../outside-build.txt, a test reads ../shared-fixture.txt and runs `cat ../shared-fixture.txt` in
// src/ (relative chdir in the child before its execve); the calls that make the tree and these reads are kept.
const plain = fs.readFileSync(path.join(__dirname, '__fixtures__', 'strace-cargo-test-plain.txt'), 'utf8');

describe('parseStrace on recorded output without -y', () => {
  const records = parseStrace(plain, '/tmp/trc/demo');
  const find = (file: string) => records.filter((r) => r.path === file);

  it('resolves relative paths against the directory each process is in, followed through clones and chdir', () => {
    expect(find('/tmp/trc/outside-build.txt')).toEqual([{ pid: 13293, op: 'read', path: '/tmp/trc/outside-build.txt', program: '/tmp/trc/demo/target/debug/build/demo-40c6317946ff860c/build-script-build' }]);
    // A test thread (CLONE_FS: the test binary's directory) reads the fixture.
    expect(find('/tmp/trc/shared-fixture.txt')).toEqual([expect.objectContaining({ pid: 13379, op: 'read' })]);
    expect(find('/tmp/trc/shared-fixture.txt')[0].program).toMatch(/^\/tmp\/trc\/demo\/target\/debug\/deps\/demo-[0-9a-f]{16}$/);
    // The child chdir'd to src (relative to its own directory) before it ran cat, which then looked for ../shared-fixture.txt.
    expect(find('/tmp/trc/demo/shared-fixture.txt')).toEqual([{ pid: 13381, op: 'missing', path: '/tmp/trc/demo/shared-fixture.txt', program: '/usr/bin/cat' }]);
  });

  it('finds the same paths as the run traced with -y did, where both saw them', () => {
    // cargo as rustup's proxy ran it: the toolchain's own binary.
    expect(find('/root/.gitconfig')[0]).toMatchObject({ op: 'read', program: '/root/.rustup/toolchains/stable-x86_64-unknown-linux-gnu/bin/cargo' });
    expect(find('/tmp/trc/demo/target/.rustc_info.json').map((r) => r.op)).toContain('write');
    expect(records.some((r) => !path.isAbsolute(r.path))).toBe(false);
  });
});

describe('parseStrace without -y', () => {
  const lines = (...l: string[]) => l.join('\n');

  it('resolves openat against the folder its descriptor was opened on, through dup and fchdir', () => {
    const records = parseStrace(
      lines(
        '1 execve("/bin/prog", ["prog"], 0x0 /* 1 var */) = 0',
        '1 openat(AT_FDCWD, "data", O_RDONLY|O_DIRECTORY) = 3',
        '1 openat(3, "inner.txt", O_RDONLY) = 4',
        '1 dup2(3, 9) = 9',
        '1 openat(9, "sub/x.txt", O_RDONLY) = 5',
        '1 fchdir(3) = 0',
        '1 open("y.txt", O_RDONLY) = 6',
        '1 openat(42, "unknown.txt", O_RDONLY) = 7',
      ),
      '/w',
    );
    expect(records.map((r) => [r.op, r.path])).toEqual([
      ['exec', '/bin/prog'],
      ['dir', '/w/data'],
      ['read', '/w/data/inner.txt'],
      ['read', '/w/data/sub/x.txt'],
      ['read', '/w/data/y.txt'],
    ]);
  });

  it('shares the directory with threads (CLONE_FS) and copies it into a forked child', () => {
    const records = parseStrace(
      lines(
        '1 clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_THREAD, exit_signal=0}, 88) = 2',
        '1 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|SIGCHLD, child_tidptr=0x0) = 3',
        '2 chdir("t") = 0',
        '1 openat(AT_FDCWD, "a.txt", O_RDONLY) = 4',
        '3 openat(AT_FDCWD, "b.txt", O_RDONLY) = 4',
        '3 chdir("/elsewhere") = 0',
        '1 openat(4, "c.txt", O_RDONLY) = 5',
      ),
      '/w',
    );
    expect(records.map((r) => [r.pid, r.path])).toEqual([
      [1, '/w/t/a.txt'],
      [3, '/w/b.txt'],
      [1, '/w/t/a.txt/c.txt'],
    ]);
  });

  it('counts the name a rename or link put in place as written: a linker renames its temporary output', () => {
    const records = parseStrace(
      lines(
        // rust-lld linking a doctest in rustdoc's temp folder, then rustdoc reading and running the binary.
        '13855 openat(AT_FDCWD, "/tmp/rustdoctestmPlJMe/rust_out.tmpa61a9a5", O_RDWR|O_CREAT|O_EXCL|O_CLOEXEC, 0777) = 3',
        '13855 rename("/tmp/rustdoctestmPlJMe/rust_out.tmpa61a9a5", "/tmp/rustdoctestmPlJMe/rust_out") = 0',
        '13800 openat(AT_FDCWD, "/tmp/rustdoctestmPlJMe/rust_out", O_RDONLY|O_CLOEXEC) = 5',
        '1 openat(AT_FDCWD, "out", O_RDONLY|O_DIRECTORY) = 3',
        '1 renameat2(AT_FDCWD, "a.tmp", 3, "a", RENAME_NOREPLACE) = 0',
        '1 linkat(AT_FDCWD, "deps/bin-0123", AT_FDCWD, "bin", 0) = 0',
        '1 symlinkat("target/x", 3, "link") = 0',
        '1 link("b", "c") = 0',
        '1 rename("d", "e") = -1 ENOENT (No such file or directory)',
      ),
      '/w',
    );
    expect(records.map((r) => [r.op, r.path])).toEqual([
      ['write', '/tmp/rustdoctestmPlJMe/rust_out.tmpa61a9a5'],
      ['write', '/tmp/rustdoctestmPlJMe/rust_out'],
      ['read', '/tmp/rustdoctestmPlJMe/rust_out'],
      ['dir', '/w/out'],
      ['write', '/w/out/a'],
      ['write', '/w/bin'],
      ['write', '/w/out/link'],
      ['write', '/w/c'],
    ]);
  });

  it('without the directory the command ran in, skips relative paths it cannot place', () => {
    expect(parseStrace('1 openat(AT_FDCWD, "a.txt", O_RDONLY) = 3\n1 openat(AT_FDCWD, "/abs.txt", O_RDONLY) = 4\n').map((r) => r.path)).toEqual(['/abs.txt']);
  });
});
