// Process running and timing for the benchmark. Whole processes are timed in Node: process.hrtime around
// spawnSync, output sent to a log file (never through a pipe we would have to drain).
import { spawnSync, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

let logFile = null;
export function setLog(file) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  logFile = file;
}
export function log(line) {
  const text = `[${new Date().toISOString().slice(11, 19)}] ${line}`;
  console.log(text);
  if (logFile) fs.appendFileSync(logFile, `${text}\n`);
}

/** Clock ticks per second of /proc's CPU times (getconf CLK_TCK; 100 on Linux builds that do not say). */
const CLOCK_TICKS = Number(tryRun('getconf', ['CLK_TCK'])) || 100;

/**
 * CPU time (user + system, ms) of this process's children that have ended and been waited for, with theirs
 * (/proc/self/stat's cutime and cstime): read before and after a command, the difference is the CPU the command's
 * whole process tree used, whatever ran in parallel. NaN where /proc is missing (tables show n/a). A process the
 * command left running (the Nx daemon) is not counted.
 */
function childrenCpuMs() {
  try {
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the name: state is field 3, so cutime (field 16) and cstime (field 17) sit at 13 and 14 here.
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}

/**
 * Runs a command to completion and times it. Output goes to `logTo` (appended). Returns { status, ms, cpuMs, out }:
 * `cpuMs` is the CPU time of the command's process tree (NaN where it cannot be read); `out` is the captured stdout
 * when `capture` is set (then stdout is piped, stderr still goes to the log).
 */
export function timed(file, args, { cwd, env, logTo, capture = false, label = '' }) {
  fs.mkdirSync(path.dirname(logTo), { recursive: true });
  fs.appendFileSync(logTo, `\n===== ${new Date().toISOString()} ${label} :: (cd ${cwd} && ${[file, ...args].join(' ')})\n`);
  const fd = fs.openSync(logTo, 'a');
  try {
    const cpuBefore = childrenCpuMs();
    const start = process.hrtime.bigint();
    const result = spawnSync(file, args, {
      cwd,
      env,
      stdio: ['ignore', capture ? 'pipe' : fd, fd],
      maxBuffer: 512 * 1024 * 1024,
      encoding: 'utf8',
    });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    const cpuAfter = childrenCpuMs();
    const cpuMs = cpuAfter - cpuBefore;
    if (capture && result.stdout) fs.writeSync(fd, result.stdout);
    fs.writeSync(fd, `\n===== exit ${result.status ?? result.signal} after ${(ms / 1000).toFixed(2)} s\n`);
    if (result.error) throw result.error;
    return { status: result.status ?? 1, ms, cpuMs, out: capture ? result.stdout : '' };
  } finally {
    fs.closeSync(fd);
  }
}

/** A quick command whose output we need (not timed). Throws on failure. */
export function run(file, args, { cwd, env, input } = {}) {
  return execFileSync(file, args, { cwd, env, input, encoding: 'utf8', stdio: [input ? 'pipe' : 'ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 });
}

export function tryRun(file, args, options) {
  try {
    return run(file, args, options).trim();
  } catch {
    return null;
  }
}

/** Where a command is on PATH, or null. */
export function commandPath(name) {
  return tryRun('bash', ['-c', `command -v ${name}`]);
}

export function loadAverage() {
  return os.loadavg().map((l) => l.toFixed(2)).join(' ');
}

export function median(values) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

export function summary(values) {
  const v = values.filter((x) => Number.isFinite(x));
  return { median: median(v), min: v.length ? Math.min(...v) : NaN, max: v.length ? Math.max(...v) : NaN, runs: v.length, values: v };
}

/** Seconds as shown in tables. */
export function secs(ms) {
  if (!Number.isFinite(ms)) return 'n/a';
  const s = ms / 1000;
  return s >= 100 ? `${s.toFixed(0)} s` : s >= 10 ? `${s.toFixed(1)} s` : `${s.toFixed(2)} s`;
}

export function timeCell(stats) {
  if (!stats || !stats.runs) return 'n/a';
  if (stats.runs === 1) return `${secs(stats.median)} (1 run)`;
  return `${secs(stats.median)} (${secs(stats.min)}–${secs(stats.max)}, ${stats.runs} runs)`;
}

export function ratioCell(values) {
  const s = summary(values);
  if (!s.runs) return 'n/a';
  const f = (x) => (x >= 10 ? x.toFixed(0) : x >= 1 ? x.toFixed(2) : x.toFixed(3));
  return s.runs === 1 ? `${f(s.median)}×` : `${f(s.median)}× (${f(s.min)}–${f(s.max)})`;
}

export function bytesCell(bytes) {
  if (!Number.isFinite(bytes)) return 'n/a';
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i ? 1 : 0)} ${units[i]}`;
}

/** Disk use of a folder in bytes (du, apparent sizes off: what the disk really holds). */
export function diskBytes(dir) {
  if (!fs.existsSync(dir)) return 0;
  const out = tryRun('du', ['-sk', dir]);
  return out ? Number(out.split(/\s+/)[0]) * 1024 : NaN;
}

export function write(file, content) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

/** A script the benchmark puts first on PATH (cargo counter, nvcc stand-in). */
export function writeExecutable(file, content) {
  write(file, content);
  fs.chmodSync(file, 0o755);
}

export function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

export function rm(...paths) {
  for (const p of paths) fs.rmSync(p, { recursive: true, force: true });
}

/** Copies a folder, leaving out build output. */
export function copyTree(from, to) {
  fs.cpSync(from, to, { recursive: true, filter: (src) => !/[\\/](target|node_modules|\.nx|dist)$/.test(src) });
}
