/**
 * Cross-process locks as files created with O_EXCL, holding the owner's pid. Two runs of the same crate's gate, two
 * release dry runs of one crate, or two gates writing the same part of a shared target directory must not overlap:
 * one would delete or read the other's files. A lock whose owner is gone (killed, crashed) is taken over.
 *
 * A pid alone does not name the owner for long: after a kill the number may belong to another process, or be the id
 * of a thread of one (Linux threads share the pid number space, and `kill(tid, 0)` succeeds for them), and a lock
 * that trusts it waits forever. So the lock also records the owner's start time, and on Linux an owner counts as
 * alive only while its pid is a process (not a thread), not a zombie, and started when the lock says.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface LockOwner {
  pid: number;
  since: string;
  what: string;
  /** The owner's start time as the kernel counts it (Linux: /proc/<pid>/stat field 22); absent where unknown. */
  startTime?: string;
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

/** Where the kernel describes processes; a test points it at a folder without them, as on macOS. */
let procRoot = '/proc';

/** For unit tests: read process facts below `root` instead of /proc (null: back to /proc). */
export function useProcRootForTests(root: string | null): void {
  procRoot = root ?? '/proc';
}

function signalReaches(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface ProcFacts {
  /** The thread-group id: equals the pid for a process, differs for another thread of one. */
  tgid: number;
  state: string;
  startTime: string;
}

/**
 * What /proc says about `pid`: null when it has no entry (gone), undefined when /proc cannot tell (absent, as on
 * macOS, or unreadable): the caller falls back to a signal probe.
 */
function procFacts(pid: number): ProcFacts | null | undefined {
  if (!fs.existsSync(path.join(procRoot, 'self'))) return undefined;
  let status: string;
  let stat: string;
  try {
    status = fs.readFileSync(path.join(procRoot, String(pid), 'status'), 'utf8');
    stat = fs.readFileSync(path.join(procRoot, String(pid), 'stat'), 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? null : undefined;
  }
  // stat: `pid (comm) state ...`; comm may hold spaces and parentheses, so fields count from the last `)` (field 3 on).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const tgid = Number(/^Tgid:\s*(\d+)/m.exec(status)?.[1]);
  if (!Number.isInteger(tgid) || fields.length < 20) return undefined;
  return { tgid, state: fields[0], startTime: fields[19] };
}

/** This process's start time, recorded in the locks it takes (undefined where /proc cannot tell). */
function ownStartTime(): string | undefined {
  return procFacts(process.pid)?.startTime;
}

/** Whether the lock's owner still runs: its pid is a live process (not a thread, not a zombie) that started then. */
export function ownerAlive(owner: Pick<LockOwner, 'pid' | 'startTime'>): boolean {
  if (!Number.isInteger(owner.pid) || owner.pid <= 0) return false;
  const facts = procFacts(owner.pid);
  if (facts === undefined) return signalReaches(owner.pid);
  if (facts === null || facts.tgid !== owner.pid || facts.state === 'Z') return false;
  // A lock written without a start time (an older version) cannot tell a reused pid: trust the pid, as it did.
  return owner.startTime === undefined || owner.startTime === facts.startTime;
}

/** Who holds a lock and since when, for the one line a waiting run prints. */
export function holderText(owner: LockOwner): string {
  return `${owner.what || 'another run'} (pid ${owner.pid}, since ${owner.since || 'an unknown time'})`;
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
      const startTime = ownStartTime();
      fs.writeSync(fd, JSON.stringify({ pid: process.pid, since: new Date().toISOString(), what, ...(startTime ? { startTime } : {}) } satisfies LockOwner));
      fs.closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        // A long-lived process (the Nx daemon runs the summary writer after every run) takes many locks: each one's
        // exit hook goes with it, so they never pile up.
        process.removeListener('exit', release);
        if (readOwner(file)?.pid === process.pid) fs.rmSync(file, { force: true });
      };
      process.once('exit', release);
      return { release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = readOwner(file);
      // A half-written file (owner still writing) reads as null: wait for it rather than steal it.
      if (owner && !ownerAlive(owner)) {
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
