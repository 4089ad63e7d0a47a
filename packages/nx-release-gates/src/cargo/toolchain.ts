/**
 * What the machine's Rust and CUDA toolchains are. Recorded in every result file and, through the runtime cache
 * input (fingerprint-cli), part of every gate's cache key: a CPU fallback pass is never replayed on a machine that
 * has nvcc, and a new rustc misses the cache.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { toolchainProblem } from './cargo-errors';
import { runCommand } from './run-command';

export interface CudaToolkit {
  /** nvcc that answered `--version`. */
  nvcc: string;
  /** e.g. "13.5". */
  version: string;
}

export interface Toolchain {
  rustc: string | null;
  cargo: string | null;
  /** Why cargo did not answer when it exists (a pinned toolchain not installed), else null. */
  cargoProblem?: string | null;
  host: string | null;
  cuda: CudaToolkit | null;
}

/** Where nvcc is looked for, in order: PATH, then $CUDA_PATH/bin, then $CUDA_HOME/bin. */
export function nvccCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const candidates = ['nvcc'];
  for (const variable of ['CUDA_PATH', 'CUDA_HOME']) {
    const base = env[variable];
    if (base) candidates.push(path.join(base, 'bin', process.platform === 'win32' ? 'nvcc.exe' : 'nvcc'));
  }
  return candidates;
}

export function parseNvccVersion(output: string): string | null {
  return /release (\d+\.\d+)/.exec(output)?.[1] ?? null;
}

export async function detectCuda(env: NodeJS.ProcessEnv = process.env): Promise<CudaToolkit | null> {
  for (const candidate of nvccCandidates(env)) {
    if (candidate !== 'nvcc' && !fs.existsSync(candidate)) continue;
    const result = await runCommand(candidate, ['--version'], { cwd: process.cwd(), live: false, timeoutMs: 30_000 });
    const version = result.exitCode === 0 ? parseNvccVersion(result.stdout) : null;
    if (version) return { nvcc: candidate, version };
  }
  return null;
}

export async function detectToolchain(cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<Toolchain> {
  const [rustc, cargo, cuda] = await Promise.all([
    runCommand('rustc', ['-vV'], { cwd, live: false }),
    runCommand('cargo', ['-V'], { cwd, live: false }),
    detectCuda(env),
  ]);
  const rustcText = rustc.exitCode === 0 ? rustc.stdout : '';
  return {
    rustc: rustcText.split('\n')[0]?.trim() || null,
    cargo: cargo.exitCode === 0 ? cargo.stdout.trim() : null,
    cargoProblem: cargo.exitCode === 0 || cargo.notFound ? null : toolchainProblem(cargo.stderr),
    host: /host: (\S+)/.exec(rustcText)?.[1] ?? null,
    cuda,
  };
}
