import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { lockFile, tryLock, waitForLock } from './lock';

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
});
