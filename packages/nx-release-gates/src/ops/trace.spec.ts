import { probeProblem, straceArgs, traceRefusal } from './trace';

describe('straceArgs', () => {
  it('wraps the command after `--`, following children, writing to the file', () => {
    const args = straceArgs('/tmp/t/trace.strace', 'cargo', ['test', '--no-run'], { lookups: false });
    expect(args.slice(0, 3)).toEqual(['-f', '-qq', '--seccomp-bpf']);
    // No -y: the parser follows directories and descriptors itself (fchdir, the dup family), far cheaper.
    expect(args).not.toContain('-y');
    expect(args).toContain('trace=open,openat,openat2,execve,chdir,fchdir,dup,dup2,dup3,rename,renameat,renameat2,link,linkat,symlink,symlinkat,clone,clone3,fork,vfork');
    expect(args.slice(-6)).toEqual(['-o', '/tmp/t/trace.strace', '--', 'cargo', 'test', '--no-run']);
  });

  it('stops at the stat family only for a gate whose tool searches for its configuration', () => {
    const calls = (lookups: boolean) => straceArgs('/tmp/t/trace.strace', 'cargo', ['fmt'], { lookups }).find((a) => a.startsWith('trace='))!.slice('trace='.length).split(',');
    expect(calls(true)).toEqual(expect.arrayContaining(['openat', 'stat', 'lstat', 'newfstatat', 'statx']));
    expect(calls(false)).toContain('openat');
    expect(calls(false).filter((c) => c.includes('stat'))).toEqual([]);
  });
});

describe('traceRefusal', () => {
  it('is off by the switch, and off outside Linux', () => {
    expect(traceRefusal({ NX_RELEASE_GATES_TRACE: '0' }, 'linux')).toMatch(/turned off by NX_RELEASE_GATES_TRACE=0/);
    expect(traceRefusal({}, 'darwin')).toMatch(/only exists on Linux \(this is darwin\)/);
    expect(traceRefusal({ NX_RELEASE_GATES_TRACE: '1' }, 'linux')).toBeNull();
  });
});

describe('probeProblem', () => {
  const ok = { exitCode: 0, notFound: false, stderr: '' };
  it('says what is missing or refused', () => {
    expect(probeProblem({ ...ok, notFound: true, exitCode: 127 }, null)).toMatch(/strace is not installed/);
    expect(probeProblem({ ...ok, exitCode: 1, stderr: 'strace: test_ptrace_get_syscall_info: PTRACE_TRACEME: Operation not permitted\n' }, '')).toMatch(/ptrace is not permitted here/);
    expect(probeProblem({ ...ok, exitCode: 1, stderr: 'strace: weird\n' }, '')).toMatch(/failed its probe \(strace: weird\)/);
    expect(probeProblem(ok, '')).toMatch(/recorded nothing/);
    expect(probeProblem(ok, '1 execve("/bin/true", ["true"], 0x0 /* 1 var */) = 0\n')).toBeNull();
  });
});
