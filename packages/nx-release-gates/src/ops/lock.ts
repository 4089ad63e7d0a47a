/**
 * Cross-process locks as files created with O_EXCL, holding the owner's pid. Two runs of the same crate's gate, two
 * release dry runs of one crate, or two gates writing the same part of a shared target directory must not overlap:
 * one would delete or read the other's files. A lock whose owner is gone (killed, crashed) is taken over.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface LockOwner {
  pid: number;
  since: string;
  what: string;
}

export interface HeldLock {
  release(): void;
}

/** One folder per machine user: lock names are hashes of absolute paths, so they never collide across workspaces. */
export function lockFile(key: string): string {
  const dir = path.join(os.tmpdir(), `nx-release-gates-locks-${os.userInfo().uid}`);
  fs.mkdirSync(dir, { recursive: true });
  return path.join(dir, `${crypto.createHash('sha256').update(key).digest('hex').slice(0, 32)}.lock`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(file: string): LockOwner | null {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as LockOwner;
  } catch {
    return null;
  }
}

/** Takes the lock, or returns who holds it. */
export function tryLock(key: string, what: string): HeldLock | { heldBy: LockOwner } {
  const file = lockFile(key);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx');
      fs.writeSync(fd, JSON.stringify({ pid: process.pid, since: new Date().toISOString(), what } satisfies LockOwner));
      fs.closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        if (readOwner(file)?.pid === process.pid) fs.rmSync(file, { force: true });
      };
      process.once('exit', release);
      return { release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = readOwner(file);
      // A half-written file (owner still writing) reads as null: wait for it rather than steal it.
      if (owner && !alive(owner.pid)) {
        fs.rmSync(file, { force: true });
        continue;
      }
      if (owner) return { heldBy: owner };
      const start = Date.now();
      while (Date.now() - start < 50) {
        /* a few milliseconds for the owner to finish writing */
      }
    }
  }
  return { heldBy: readOwner(file) ?? { pid: 0, since: '', what } };
}

/** Waits for the lock (telling `onWait` once whom it waits for); never gives up, as cargo's own lock does not. */
export async function waitForLock(key: string, what: string, onWait: (owner: LockOwner) => void): Promise<HeldLock> {
  let told = false;
  for (;;) {
    const attempt = tryLock(key, what);
    if ('release' in attempt) return attempt;
    if (!told) {
      onWait(attempt.heldBy);
      told = true;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
