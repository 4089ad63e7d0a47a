import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { holderText, lockFile, LockOwner, ownerAlive, tryLock, useProcRootForTests, waitForLock } from './lock';

const linux = fs.existsSync('/proc/self/stat');
const onLinux = linux ? it : it.skip;

/** Field 22 of /proc/<pid>/stat: when the process started, in clock ticks since boot. */
function startTimeOf(pid: number): string {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

function writeLock(key: string, owner: Partial<LockOwner> & { pid: number }): void {
  fs.writeFileSync(lockFile(key), JSON.stringify({ since: '2026-01-01T00:00:00.000Z', what: 'killed run', ...owner }));
}

describe('file locks', () => {
  const key = `lock-spec-${process.pid}-${Date.now()}`;

  it('gives a lock once, names its holder, and frees it on release', () => {
    const first = tryLock(key, 'first');
    expect('release' in first).toBe(true);
    const second = tryLock(key, 'second');
    expect(second).toEqual({ heldBy: expect.objectContaining({ pid: process.pid, what: 'first' }) });
    if ('release' in first) first.release();
    const third = tryLock(key, 'third');
    expect('release' in third).toBe(true);
    if ('release' in third) third.release();
  });

  it('takes over a lock whose holder is gone', () => {
    // The pid of a process that has exited, as the holder a SIGKILL left behind.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    fs.writeFileSync(lockFile(key), JSON.stringify({ pid: Number(dead), since: new Date().toISOString(), what: 'killed run' }));
    const taken = tryLock(key, 'probe');
    expect(taken).not.toHaveProperty('heldBy');
    if ('release' in taken) taken.release();
  });

  it('waits for a held lock and tells whom it waits for, once', async () => {
    const held = tryLock(key, 'holder');
    if (!('release' in held)) throw new Error('lock not taken');
    const waited: string[] = [];
    setTimeout(() => held.release(), 450);
    const lock = await waitForLock(key, 'waiter', (owner) => waited.push(owner.what));
    expect(waited).toEqual(['holder']);
    lock.release();
  });

  onLinux('records the owner\'s start time with its pid', () => {
    const lock = tryLock(key, 'stamped');
    if (!('release' in lock)) throw new Error('lock not taken');
    expect(JSON.parse(fs.readFileSync(lockFile(key), 'utf8'))).toMatchObject({ pid: process.pid, startTime: startTimeOf(process.pid) });
    lock.release();
  });

  onLinux('takes over a lock whose pid is now the id of a live thread, not of a process', () => {
    // A thread of this very process: kill(tid, 0) succeeds for it, yet no process of that number holds the lock.
    const tid = fs.readdirSync('/proc/self/task').map(Number).find((t) => t !== process.pid);
    if (!tid) throw new Error('this process shows no thread besides its main one');
    expect(() => process.kill(tid, 0)).not.toThrow();
    writeLock(key, { pid: tid, startTime: startTimeOf(tid) });
    const taken = tryLock(key, 'after a reused pid');
    expect(taken).not.toHaveProperty('heldBy');
    if ('release' in taken) taken.release();
  });

  onLinux('takes over a lock whose pid is a live process that started at another time (the number was reused)', () => {
    writeLock(key, { pid: process.pid, startTime: String(Number(startTimeOf(process.pid)) - 1) });
    const taken = tryLock(key, 'after a reused pid');
    expect(taken).not.toHaveProperty('heldBy');
    if ('release' in taken) taken.release();
  });

  it('waits for a live owner of another process, and names it and since when', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      await new Promise((resolve) => child.once('spawn', resolve));
      const pid = child.pid!;
      writeLock(key, { pid, what: 'p:gate-build', since: '2026-01-01T10:00:00.000Z', ...(linux ? { startTime: startTimeOf(pid) } : {}) });
      expect(ownerAlive({ pid, ...(linux ? { startTime: startTimeOf(pid) } : {}) })).toBe(true);
      const held = tryLock(key, 'second');
      expect(held).toEqual({ heldBy: expect.objectContaining({ pid, what: 'p:gate-build' }) });
      if ('heldBy' in held) expect(holderText(held.heldBy)).toBe(`p:gate-build (pid ${pid}, since 2026-01-01T10:00:00.000Z)`);
      const lines: string[] = [];
      const waiting = waitForLock(key, 'waiter', (owner) => lines.push(holderText(owner)));
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(lines).toHaveLength(1);
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      (await waiting).release();
      expect(lines).toHaveLength(1);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('where /proc is absent (macOS), trusts a pid a signal reaches, as before', () => {
    const nowhere = fs.mkdtempSync(path.join(os.tmpdir(), 'no-proc-'));
    useProcRootForTests(nowhere);
    try {
      expect(ownerAlive({ pid: process.pid, startTime: 'anything' })).toBe(true);
      const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
      expect(ownerAlive({ pid: Number(dead) })).toBe(false);
    } finally {
      useProcRootForTests(null);
      fs.rmSync(nowhere, { recursive: true, force: true });
    }
  });

  it('leaves no exit hook behind once released, however many locks a process takes', () => {
    const before = process.listenerCount('exit');
    for (let i = 0; i < 20; i++) {
      const lock = tryLock(`listener-test-${process.pid}-${i}`, 'test');
      if ('release' in lock) lock.release();
    }
    expect(process.listenerCount('exit')).toBe(before);
  });
});
