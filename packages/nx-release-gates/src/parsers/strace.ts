/**
 * strace's output (`strace -f -y -o FILE`) as records of what a process tree did to files: which program read,
 * wrote, listed, ran or looked for which absolute path. Only what the gates trace is understood (open, openat,
 * openat2, the stat family, execve, chdir and the clone family); other lines are skipped. `-y` makes strace print the
 * directory a relative path is resolved against (`AT_FDCWD</crate>`, `3</dir>`), so no cwd has to be guessed, and
 * `-f` interleaves processes, splitting a call into `<unfinished ...>` and `<... name resumed>` halves.
 */
import * as path from 'node:path';

/**
 * read: a file opened for reading; write: opened to write, create or truncate (O_WRONLY, O_RDWR, O_CREAT, O_TRUNC);
 * dir: a folder opened to list it (O_DIRECTORY); exec: a program started; missing: a file looked for (opened or
 * stat'ed) that does not exist; mkdir: a folder made.
 */
export type TraceOp = 'read' | 'write' | 'dir' | 'exec' | 'missing' | 'mkdir';

export interface TraceRecord {
  pid: number;
  op: TraceOp;
  /** Absolute path, as the process named it (resolved against its directory, symlinks not followed). */
  path: string;
  /** The program the process was running (its last execve, or its parent's when it has not run one yet). */
  program: string;
}

interface Call {
  pid: number;
  name: string;
  args: string;
  ret: string;
}

const LINE = /^(\d+)\s+(.*)$/;
const CALL = /^(\w+)\((.*)\)\s+=\s+(.*)$/s;
const RESUMED = /^<\.\.\. (\w+) resumed>(.*)$/s;
const UNFINISHED = ' <unfinished ...>';

/** Whole calls, the halves `-f` split joined again, in the order they returned. */
export function straceCalls(text: string): Call[] {
  const calls: Call[] = [];
  const pending = new Map<number, string>();
  for (const raw of text.split('\n')) {
    const line = LINE.exec(raw.trimEnd());
    if (!line) continue;
    const pid = Number(line[1]);
    let body = line[2];
    if (body.endsWith(UNFINISHED)) {
      pending.set(pid, body.slice(0, -UNFINISHED.length));
      continue;
    }
    const resumed = RESUMED.exec(body);
    if (resumed) {
      const start = pending.get(pid);
      pending.delete(pid);
      if (start === undefined) continue;
      body = start + resumed[2];
    }
    const call = CALL.exec(body);
    if (call) calls.push({ pid, name: call[1], args: call[2], ret: call[3] });
  }
  return calls;
}

/** A C string as strace prints it (`"a\"b\\c\n\303\251"`), decoded; `end` is the index after its closing quote. */
function readQuoted(text: string, start: number): { value: string; end: number } | null {
  if (text[start] !== '"') return null;
  const bytes: number[] = [];
  const SIMPLE: Record<string, number> = { n: 10, t: 9, r: 13, v: 11, f: 12, '"': 34, '\\': 92, "'": 39 };
  let i = start + 1;
  while (i < text.length && text[i] !== '"') {
    if (text[i] !== '\\') {
      bytes.push(...Buffer.from(text[i], 'utf8'));
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next in SIMPLE) {
      bytes.push(SIMPLE[next]);
      i += 2;
    } else if (next === 'x') {
      bytes.push(parseInt(text.slice(i + 2, i + 4), 16));
      i += 4;
    } else {
      const octal = /^[0-7]{1,3}/.exec(text.slice(i + 1))?.[0];
      bytes.push(octal ? parseInt(octal, 8) : 92);
      i += 1 + (octal?.length ?? 0);
    }
  }
  return i < text.length ? { value: Buffer.from(bytes).toString('utf8'), end: i + 1 } : null;
}

/** A file descriptor as `-y` prints it: `AT_FDCWD</dir>` or `3</dir>`, the path inside the angle brackets. */
function fdPath(text: string): string | null {
  const match = /^(?:AT_FDCWD|\d+)<(.*?)>(?=,|\)|$| )/.exec(text);
  return match ? unescapeAngle(match[1]) : null;
}

/** strace escapes bytes in `<...>` paths as `\xNN`. */
const unescapeAngle = (text: string) => (text.includes('\\') ? Buffer.from(text.replace(/\\x([0-9a-f]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8') : text);

interface PathCall {
  /** Directory the path argument is resolved against (null: unknown, e.g. plain open() before any chdir). */
  dir: string | null;
  path: string;
  /** The arguments after the path (open flags, stat flags). */
  rest: string;
}

/** The path argument of a call and what it is relative to. */
function pathArgument(call: Call, cwd: string | null): PathCall | null {
  const takesDirfd = !PLAIN_PATH_CALLS.has(call.name);
  let at = 0;
  let dir = cwd;
  if (takesDirfd) {
    const comma = call.args.indexOf(', "');
    if (comma < 0) return null;
    dir = fdPath(call.args.slice(0, comma)) ?? cwd;
    at = comma + 2;
  }
  const quoted = readQuoted(call.args, at);
  if (!quoted) return null;
  return { dir, path: quoted.value, rest: call.args.slice(quoted.end) };
}

/** Calls whose first argument is the path (the others take a directory descriptor first). */
const PLAIN_PATH_CALLS = new Set(['open', 'execve', 'chdir', 'stat', 'lstat', 'mkdir']);
const MKDIR_CALLS = new Set(['mkdir', 'mkdirat']);
const WRITE_FLAGS = /\bO_(WRONLY|RDWR|CREAT|TRUNC)\b/;
const STAT_CALLS = new Set(['stat', 'lstat', 'newfstatat', 'statx', 'fstatat64']);
const OPEN_CALLS = new Set(['open', 'openat', 'openat2']);
const CLONE_CALLS = new Set(['clone', 'clone3', 'fork', 'vfork']);

/** What one call did to a file, or null: a failure other than a missing file, a stat of a descriptor, another call. */
function opOf(call: Call, rest: string): TraceOp | null {
  const enoent = /^-1 ENOENT\b/.test(call.ret);
  const failed = /^-1\b/.test(call.ret);
  if (call.name === 'execve') return failed ? null : 'exec';
  // A folder the tree made: what it holds was put there by the tree (a test's temporary folder).
  if (MKDIR_CALLS.has(call.name)) return failed ? null : 'mkdir';
  if (STAT_CALLS.has(call.name)) return enoent ? 'missing' : null;
  if (!OPEN_CALLS.has(call.name)) return null;
  if (WRITE_FLAGS.test(rest)) return failed ? null : 'write';
  if (enoent) return 'missing';
  if (failed) return null;
  return /\bO_DIRECTORY\b/.test(rest) ? 'dir' : 'read';
}

/** Every file a traced process tree read, wrote, listed, ran or looked for, in the order the calls returned. */
export function parseStrace(text: string): TraceRecord[] {
  const records: TraceRecord[] = [];
  const calls = straceCalls(text);
  // A child may be logged before the clone that made it returns in its parent: parents are known up front.
  const parent = new Map<number, number>();
  for (const call of calls) {
    const child = CLONE_CALLS.has(call.name) ? Number(/^(\d+)/.exec(call.ret)?.[1]) : 0;
    if (child > 0) parent.set(child, call.pid);
  }
  const cwd = new Map<number, string>();
  const program = new Map<number, string>();
  const programOf = (pid: number): string => {
    for (let p: number | undefined = pid, hops = 0; p !== undefined && hops < 64; p = parent.get(p), hops++) {
      const known = program.get(p);
      if (known) return known;
    }
    return '';
  };
  const cwdOf = (pid: number): string | null => {
    for (let p: number | undefined = pid, hops = 0; p !== undefined && hops < 64; p = parent.get(p), hops++) {
      const known = cwd.get(p);
      if (known) return known;
    }
    return null;
  };
  for (const call of calls) {
    if (CLONE_CALLS.has(call.name)) {
      const child = Number(/^(\d+)/.exec(call.ret)?.[1]);
      // The child starts as its parent is now: same program, same directory (until it runs or moves on its own).
      if (child > 0) {
        if (!program.has(child)) program.set(child, programOf(call.pid));
        const dir = cwdOf(call.pid);
        if (!cwd.has(child) && dir) cwd.set(child, dir);
      }
      continue;
    }
    const argument = pathArgument(call, cwdOf(call.pid));
    if (!argument || argument.path === '') continue;
    const absolute = path.isAbsolute(argument.path) ? path.normalize(argument.path) : argument.dir ? path.resolve(argument.dir, argument.path) : null;
    if (call.name === 'chdir') {
      if (absolute && call.ret === '0') cwd.set(call.pid, absolute);
      continue;
    }
    // Every *at call names its directory; remember it as the process's cwd for a later plain open().
    if (argument.dir && /^AT_FDCWD</.test(call.args)) cwd.set(call.pid, argument.dir);
    const op = opOf(call, argument.rest);
    if (!op || !absolute) continue;
    if (op === 'exec') program.set(call.pid, absolute);
    records.push({ pid: call.pid, op, path: absolute, program: programOf(call.pid) });
  }
  return records;
}
