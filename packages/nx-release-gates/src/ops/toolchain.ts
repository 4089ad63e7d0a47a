/**
 * What the machine's Rust and CUDA toolchains are. Recorded in every result file and, through the runtime cache
 * input (fingerprint.ts), part of every gate's cache key: a CPU fallback pass is never replayed on a machine that
 * has nvcc, and a new rustc misses the cache.
 */
import * as fs from 'node:fs';
import { toolchainProblem } from '../parsers/cargo-errors';
import { runCommand } from './process';
import { CudaToolkit, nvccCandidates, parseNvccVersion, Toolchain } from '../model/toolchain';

export type { CudaToolkit, Toolchain } from '../model/toolchain';

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
