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
        '1 mkdir("/tmp/.tmpX", 0700) = 0',
        '1 mkdirat(AT_FDCWD</work>, "made", 0777) = 0',
        '1 mkdirat(AT_FDCWD</work>, "there", 0777) = -1 EEXIST (File exists)',
      ].join('\n'),
    );
    expect(records.map((r) => [r.op, r.path])).toEqual([
      ['exec', '/bin/prog'],
      ['read', '/work/a b/café "q".txt'],
      ['read', '/work/dir/inner'],
      ['write', '/work/out.bin'],
      ['mkdir', '/tmp/.tmpX'],
      ['mkdir', '/work/made'],
    ]);
  });

  it('skips lines it does not understand', () => {
    expect(parseStrace('garbage\n+++ exited with 0 +++\n12 read(3, "x", 1) = 1\n')).toEqual([]);
  });
});
