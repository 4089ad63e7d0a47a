/**
 * Tracing a command's process tree with strace (Linux): whether it is available here, and how a command is wrapped
 * so that every file the tree opens, looks for or runs is written to a file (parsers/strace.ts reads it). Wrapping is
 * an argument-array transformation: ops/process.ts still starts the one process, strace, which runs the command.
 *
 * What is traced, and why: the open family (reads, writes, folder listings, absent files), execve (which program
 * read), the clone family (a thread or child belongs to the program that made it), chdir, and, for a gate whose tool
 * searches for its configuration (GateSpec.tracesLookups: rustfmt looks for rustfmt.toml with `Path::exists`), the
 * stat family: without it an absent rustfmt.toml probe is invisible. Only failures of stats are kept by the parser,
 * and only the configuration files tools search for make a finding of them (cache-key/traced-reads.ts), yet stats are
 * half of a build's traced calls (cargo stats every source for its own fingerprint, rustc every library it may link,
 * Rust's std every open file) and every traced call stops the process (about 40 µs of a build's wall time on the
 * benchmark's virtual machine, docs/benchmarks.md). fchdir
 * and the dup family let the parser follow which folder a descriptor names, so that relative paths resolve without
 * `-y`, which costs a lookup in /proc for every descriptor of every traced call (it made a cold build 1.5x slower).
 * The rename and link families show files the tree put in place under a new name (a linker renames its temporary
 * output, e.g. a doctest's binary in the temp folder): products, not inputs.
 * `--seccomp-bpf` stops the tree only at these calls, which keeps the cost down.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runQuiet } from './process';

/** The variable that turns tracing off (`0`): the benchmark measures the cost with it. */
export const TRACE_SWITCH = 'NX_RELEASE_GATES_TRACE';

/** The calls every traced gate needs: what was opened, run, renamed or linked, and by which process in which folder. */
export const TRACED_CALLS = 'open,openat,openat2,execve,chdir,fchdir,dup,dup2,dup3,rename,renameat,renameat2,link,linkat,symlink,symlinkat,clone,clone3,fork,vfork';
/** The calls a search for a file makes when it does not open it (`Path::exists`, `fs::metadata`). */
export const LOOKUP_CALLS = 'stat,lstat,newfstatat,statx';

export interface TraceScope {
  /** Also stop at the stat family, for a tool that searches for its configuration (GateSpec.tracesLookups). */
  lookups: boolean;
}

export type TraceAvailability = { mode: 'strace' } | { mode: 'unavailable'; reason: string };

/** strace's arguments that run `file args` traced, writing to `output`. */
export function straceArgs(output: string, file: string, args: readonly string[], scope: TraceScope): string[] {
  const calls = scope.lookups ? `${TRACED_CALLS},${LOOKUP_CALLS}` : TRACED_CALLS;
  return ['-f', '-qq', '--seccomp-bpf', '-e', `trace=${calls}`, '-e', 'signal=none', '-o', output, '--', file, ...args];
}

/** The reason tracing cannot run, from the probe's result (pure: unit tested). */
export function probeProblem(result: { exitCode: number; notFound: boolean; stderr: string }, output: string | null): string | null {
  if (result.notFound) return 'strace is not installed (apt-get install strace)';
  if (/ptrace|Operation not permitted|EPERM/i.test(result.stderr)) {
    return `ptrace is not permitted here (${firstLine(result.stderr)}); allow it (e.g. kernel.yama.ptrace_scope, or a container's seccomp profile)`;
  }
  if (result.exitCode !== 0) return `strace failed its probe (${firstLine(result.stderr) || `exit ${result.exitCode}`})`;
  if (output !== null && !/execve\(/.test(output)) return 'strace ran but recorded nothing';
  return null;
}

const firstLine = (text: string) => text.split('\n').find((l) => l.trim())?.trim() ?? '';

/** Whether tracing is off by choice, or on another platform than Linux. */
export function traceRefusal(env: Readonly<Record<string, string | undefined>>, platform: NodeJS.Platform): string | null {
  if (env[TRACE_SWITCH] === '0' || env[TRACE_SWITCH] === 'false') return `turned off by ${TRACE_SWITCH}=${env[TRACE_SWITCH]}`;
  if (platform !== 'linux') return `tracing needs strace, which only exists on Linux (this is ${platform})`;
  return null;
}

let probed: Promise<TraceAvailability> | null = null;

/** Whether a command can be traced here: the switch, the platform, then one tiny traced run (once per process). */
export function traceAvailability(env: Readonly<Record<string, string | undefined>> = process.env): Promise<TraceAvailability> {
  const refusal = traceRefusal(env, process.platform);
  if (refusal) return Promise.resolve({ mode: 'unavailable', reason: refusal });
  probed ??= probeStrace();
  return probed;
}

async function probeStrace(): Promise<TraceAvailability> {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'nx-release-gates-trace-probe-'));
  try {
    const output = path.join(folder, 'probe.strace');
    // `true` by absolute path when it is there: the probe traces an execve, like every real run does.
    const program = fs.existsSync('/bin/true') ? '/bin/true' : 'true';
    const result = await runQuiet('strace', straceArgs(output, program, [], { lookups: false }), { cwd: folder, timeoutMs: 10_000 });
    const recorded = fs.existsSync(output) ? fs.readFileSync(output, 'utf8') : result.notFound ? null : '';
    const problem = probeProblem(result, recorded);
    return problem ? { mode: 'unavailable', reason: problem } : { mode: 'strace' };
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

/** A fresh file for one traced command's records, in a folder of its own; remove it with discardTrace. */
export function newTraceFile(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nx-release-gates-trace-')), 'trace.strace');
}

/** The recorded text (empty when strace wrote nothing), and the file and its folder gone. */
export function takeTrace(file: string): string {
  try {
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
}
