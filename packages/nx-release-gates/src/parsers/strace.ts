/**
 * strace's output (`strace -f -o FILE`, with or without `-y`) as records of what a process tree did to files: which
 * program read, wrote, listed, ran or looked for which absolute path. Only what the gates trace is understood (open,
 * openat, openat2, the stat family, execve, chdir, fchdir, the dup, rename and link families and the clone family); other lines are
 * skipped. Relative paths are resolved by following each process's directory and descriptors through the trace (the
 * gates trace without `-y`, which makes strace ask the kernel for the path of every descriptor of every call: most of
 * tracing's cost); `-f` interleaves processes, splitting a call into `<unfinished ...>` and `<... name resumed>` halves.
 */
import * as path from 'node:path';

/**
 * read: a file opened for reading; write: opened to write, create or truncate (O_WRONLY, O_RDWR, O_CREAT, O_TRUNC),
 * or a name a rename or link put in place;
 * dir: a folder opened to list it (O_DIRECTORY); exec: a program started; missing: a file looked for (opened or
 * stat'ed) that does not exist.
 */
export type TraceOp = 'read' | 'write' | 'dir' | 'exec' | 'missing';

export interface TraceRecord {
  pid: number;
  op: TraceOp;
  /** Absolute path, as the process named it (resolved against its directory, symlinks not followed). */
  path: string;
  /**
   * The program the process was running (its last execve, or its parent's when it has not run one yet); for an
   * `exec` record, the program that started this one.
   */
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
  // Most names need no decoding: a long build's trace holds hundreds of thousands of them.
  const close = text.indexOf('"', start + 1);
  const escape = text.indexOf('\\', start + 1);
  if (close > 0 && (escape < 0 || escape > close)) return { value: text.slice(start + 1, close), end: close + 1 };
  const bytes: number[] = [];
  const SIMPLE: Record<string, number> = { n: 10, t: 9, r: 13, v: 11, f: 12, '"': 34, '\\': 92, "'": 39 };
  let i = start + 1;
  while (i < text.length && text[i] !== '"') {
    if (text[i] !== '\\') {
      const code = text.charCodeAt(i);
      if (code < 0x80) bytes.push(code);
      else bytes.push(...Buffer.from(text[i], 'utf8'));
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
      const octal = /^[0-7]{1,3}/.exec(text.slice(i + 1, i + 4))?.[0];
      bytes.push(octal ? parseInt(octal, 8) : 92);
      i += 1 + (octal?.length ?? 0);
    }
  }
  return i < text.length ? { value: Buffer.from(bytes).toString('utf8'), end: i + 1 } : null;
}

/** A descriptor argument: `AT_FDCWD`, `3`, or as `-y` prints it, `AT_FDCWD</dir>` / `3</dir>`. */
interface FdArgument {
  /** null for AT_FDCWD. */
  fd: number | null;
  /** The path `-y` printed, when it did. */
  shown: string | null;
}

function fdArgument(text: string): FdArgument | null {
  const match = /^(AT_FDCWD|\d+)(?:<(.*?)>)?(?=,|\)|$| )/.exec(text);
  if (!match) return null;
  return { fd: match[1] === 'AT_FDCWD' ? null : Number(match[1]), shown: match[2] === undefined ? null : unescapeAngle(match[2]) };
}

/** strace escapes bytes in `<...>` paths as `\xNN`. */
const unescapeAngle = (text: string) => (text.includes('\\') ? Buffer.from(text.replace(/\\x([0-9a-f]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8') : text);

/**
 * What a process resolves relative paths against: its working directory (shared by threads, CLONE_FS) and its
 * descriptor table (shared by threads, CLONE_FILES; a copy in a forked child), as far as the trace shows them.
 */
interface ProcessFiles {
  fs: { cwd: string | null };
  fds: Map<number, string>;
}

interface PathCall {
  /** Directory the path argument is resolved against (null: unknown). */
  dir: string | null;
  /** The descriptor the call named (AT_FDCWD: null), and the directory `-y` printed for it. */
  at: FdArgument | null;
  path: string;
  /** The arguments after the path (open flags, stat flags). */
  rest: string;
}

const PLAIN_PATH_CALLS = new Set(['open', 'execve', 'chdir', 'stat', 'lstat']);

/** The folder a descriptor argument names: as `-y` printed it, from the descriptors followed, or the cwd for AT_FDCWD. */
function directoryOf(at: FdArgument | null, files: ProcessFiles): string | null {
  if (at?.shown) return at.shown;
  return at && at.fd !== null ? (files.fds.get(at.fd) ?? null) : files.fs.cwd;
}

const absoluteIn = (dir: string | null, name: string): string | null => (path.isAbsolute(name) ? path.normalize(name) : dir ? path.resolve(dir, name) : null);

/**
 * The calls that put a file in place under a new name (a linker writes `out.tmp1234` and renames it to `out`; cargo
 * hard-links a binary it built): the new name is the tree's own product, like a file it wrote.
 */
const PLACING_CALLS = new Set(['rename', 'renameat', 'renameat2', 'link', 'linkat', 'symlink', 'symlinkat']);

/** The name a successful placing call created, absolute; null when it failed or cannot be placed. */
function placedPath(call: Call, files: ProcessFiles): string | null {
  if (call.ret !== '0') return null;
  // renameat, renameat2 and linkat name a folder before the old name; symlinkat's target comes first, alone.
  let offset = 0;
  if (call.name === 'renameat' || call.name === 'renameat2' || call.name === 'linkat') {
    offset = call.args.indexOf(', "') + 2;
    if (offset < 2) return null;
  }
  const first = readQuoted(call.args, offset);
  if (!first || !call.args.startsWith(', ', first.end)) return null;
  let rest = call.args.slice(first.end + 2);
  let dir = files.fs.cwd;
  if (!rest.startsWith('"')) {
    const comma = rest.indexOf(', "');
    if (comma < 0) return null;
    dir = directoryOf(fdArgument(rest.slice(0, comma)), files);
    rest = rest.slice(comma + 2);
  }
  const second = readQuoted(rest, 0);
  return second && second.value !== '' ? absoluteIn(dir, second.value) : null;
}

/** The path argument of a call and what it is relative to. */
function pathArgument(call: Call, files: ProcessFiles): PathCall | null {
  let at: FdArgument | null = null;
  let offset = 0;
  let dir = files.fs.cwd;
  if (!PLAIN_PATH_CALLS.has(call.name)) {
    const comma = call.args.indexOf(', "');
    if (comma < 0) return null;
    at = fdArgument(call.args.slice(0, comma));
    dir = directoryOf(at, files);
    offset = comma + 2;
  }
  const quoted = readQuoted(call.args, offset);
  if (!quoted) return null;
  return { dir, at, path: quoted.value, rest: call.args.slice(quoted.end) };
}

const WRITE_FLAGS = /\bO_(WRONLY|RDWR|CREAT|TRUNC)\b/;
const STAT_CALLS = new Set(['stat', 'lstat', 'newfstatat', 'statx', 'fstatat64']);
const OPEN_CALLS = new Set(['open', 'openat', 'openat2']);
const CLONE_CALLS = new Set(['clone', 'clone3', 'fork', 'vfork']);

/** What one call did to a file, or null: a failure other than a missing file, a stat of a descriptor, another call. */
function opOf(call: Call, rest: string): TraceOp | null {
  const enoent = /^-1 ENOENT\b/.test(call.ret);
  const failed = /^-1\b/.test(call.ret);
  if (call.name === 'execve') return failed ? null : 'exec';
  if (STAT_CALLS.has(call.name)) return enoent ? 'missing' : null;
  if (!OPEN_CALLS.has(call.name)) return null;
  // Opened to read and write, neither created nor emptied: what the file held before is read (a test updating a
  // fixture in place, or appending to one it reads).
  if (/\bO_RDWR\b/.test(rest) && !/\bO_(CREAT|TRUNC)\b/.test(rest)) return enoent ? 'missing' : failed ? null : 'read';
  if (WRITE_FLAGS.test(rest)) return failed ? null : 'write';
  if (enoent) return 'missing';
  if (failed) return null;
  return /\bO_DIRECTORY\b/.test(rest) ? 'dir' : 'read';
}

const DUP_CALLS = new Set(['dup', 'dup2', 'dup3']);
const MAX_HOPS = 64;

/** The number a call returned (a descriptor or a pid, `3` or `3</path>`), or null on failure. */
function returned(call: Call): number | null {
  const match = /^(\d+)/.exec(call.ret);
  return match ? Number(match[1]) : null;
}

/**
 * The process tree as the trace shows it: who cloned whom with which flags (known up front: a child may be logged
 * before the clone that made it returns in its parent), each process's program, directory and descriptors.
 */
class TracedTree {
  private readonly parent = new Map<number, number>();
  private readonly cloneFlags = new Map<number, string>();
  private readonly files = new Map<number, ProcessFiles>();
  readonly program = new Map<number, string>();

  constructor(calls: readonly Call[], private readonly rootCwd: string | null) {
    for (const call of calls) {
      const child = CLONE_CALLS.has(call.name) ? (returned(call) ?? 0) : 0;
      if (child <= 0) continue;
      this.parent.set(child, call.pid);
      this.cloneFlags.set(child, /flags=([\w|]+)/.exec(call.args)?.[1] ?? '');
    }
  }

  /** The program the process runs: its own last execve, else its nearest ancestor's. */
  programOf(pid: number): string {
    for (let p: number | undefined = pid, hops = 0; p !== undefined && hops < MAX_HOPS; p = this.parent.get(p), hops++) {
      const known = this.program.get(p);
      if (known) return known;
    }
    return '';
  }

  /**
   * The process's directory and descriptors; first asked, they are its parent's as of the clone: shared when the
   * clone shared them (threads), copied otherwise. The tree's first process starts in the directory it was run in.
   */
  filesOf(pid: number, hops = 0): ProcessFiles {
    const known = this.files.get(pid);
    if (known) return known;
    const parent = this.parent.get(pid);
    let files: ProcessFiles;
    if (parent === undefined || hops >= MAX_HOPS) files = { fs: { cwd: this.rootCwd }, fds: new Map() };
    else {
      const from = this.filesOf(parent, hops + 1);
      const flags = (this.cloneFlags.get(pid) ?? '').split('|');
      files = { fs: flags.includes('CLONE_FS') ? from.fs : { cwd: from.fs.cwd }, fds: flags.includes('CLONE_FILES') ? from.fds : new Map(from.fds) };
    }
    this.files.set(pid, files);
    return files;
  }
}

/** dup, dup2, dup3: the new descriptor names what the old one did. */
function duplicate(call: Call, files: ProcessFiles): void {
  const to = returned(call);
  if (to === null) return;
  const from = fdArgument(call.args);
  const target = from?.shown ?? (typeof from?.fd === 'number' ? files.fds.get(from.fd) : undefined);
  if (target) files.fds.set(to, target);
  else files.fds.delete(to);
}

/** fchdir: the process moves to the folder its descriptor names. */
function changeDirectoryByFd(call: Call, files: ProcessFiles): void {
  if (call.ret !== '0') return;
  const fd = fdArgument(call.args);
  files.fs.cwd = fd?.shown ?? (typeof fd?.fd === 'number' ? (files.fds.get(fd.fd) ?? null) : null);
}

/**
 * Every file a traced process tree read, wrote, listed, ran or looked for, in the order the calls returned. `cwd` is
 * the directory the traced command ran in: relative paths are resolved against each process's directory as the trace
 * follows it (chdir, fchdir, inherited through clones) and against the descriptors it opened (openat's dirfd); a path
 * relative to a descriptor the trace never saw opened (inherited from outside the tree, or duplicated by fcntl) is
 * skipped. With `-y` output, the folders strace printed are used as they are.
 */
export function parseStrace(text: string, cwd: string | null = null): TraceRecord[] {
  const records: TraceRecord[] = [];
  const calls = straceCalls(text);
  const tree = new TracedTree(calls, cwd);
  for (const call of calls) {
    if (CLONE_CALLS.has(call.name)) {
      const child = returned(call) ?? 0;
      // The child starts as its parent is now: same program, same directory (until it runs or moves on its own).
      if (child > 0) {
        if (!tree.program.has(child)) tree.program.set(child, tree.programOf(call.pid));
        tree.filesOf(child);
      }
      continue;
    }
    const files = tree.filesOf(call.pid);
    if (DUP_CALLS.has(call.name)) duplicate(call, files);
    if (call.name === 'fchdir') changeDirectoryByFd(call, files);
    const record = PLACING_CALLS.has(call.name) ? placedRecord(call, files) : recordOf(call, files);
    if (!record) continue;
    // A program started is named with the one that started it (the process as it was before its execve).
    const runner = tree.programOf(call.pid);
    if (record.op === 'exec') tree.program.set(call.pid, record.path);
    records.push({ pid: call.pid, op: record.op, path: record.path, program: record.op === 'exec' ? runner : tree.programOf(call.pid) });
  }
  return records;
}

function placedRecord(call: Call, files: ProcessFiles): { op: TraceOp; path: string } | null {
  const placed = placedPath(call, files);
  return placed ? { op: 'write', path: placed } : null;
}

/** What one call did to which absolute path, keeping the process's directory and descriptors up to date. */
function recordOf(call: Call, files: ProcessFiles): { op: TraceOp; path: string } | null {
  // Only a stat that found nothing is kept (opOf): skip the rest before reading their paths.
  if (STAT_CALLS.has(call.name) && !call.ret.startsWith('-1 ENOENT')) return null;
  const argument = pathArgument(call, files);
  if (!argument || argument.path === '') return null;
  const absolute = absoluteIn(argument.dir, argument.path);
  if (call.name === 'chdir') {
    if (absolute && call.ret === '0') files.fs.cwd = absolute;
    return null;
  }
  // With -y, every *at call names the process's directory; remember it for a later plain open().
  if (argument.at && argument.at.fd === null && argument.at.shown) files.fs.cwd = argument.at.shown;
  const fd = OPEN_CALLS.has(call.name) ? returned(call) : null;
  if (fd !== null) {
    if (absolute) files.fds.set(fd, absolute);
    else files.fds.delete(fd);
  }
  const op = opOf(call, argument.rest);
  return op && absolute ? { op, path: absolute } : null;
}
