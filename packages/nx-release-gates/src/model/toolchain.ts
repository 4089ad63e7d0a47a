/**
 * What the machine's Rust and CUDA toolchains are, as the plugin records them (ops/toolchain.ts asks the programs),
 * and where nvcc may be: pure, so the runtime cache input and the gates agree on the candidates.
 */
import * as path from 'node:path';

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
  for (const variable of CUDA_LOCATORS) {
    const base = env[variable];
    if (base) candidates.push(nvccUnder(base));
  }
  return candidates;
}

/** The variables that say where a CUDA toolkit is (nvcc is under `bin`). */
export const CUDA_LOCATORS = ['CUDA_PATH', 'CUDA_HOME'] as const;

/** nvcc of the toolkit installed at `base`. */
export function nvccUnder(base: string): string {
  return path.join(base, 'bin', process.platform === 'win32' ? 'nvcc.exe' : 'nvcc');
}

export function parseNvccVersion(output: string): string | null {
  return /release (\d+\.\d+)/.exec(output)?.[1] ?? null;
}


/**
 * The cargo-semver-checks gate-semver is tested with; its install hint and the generated workflows install exactly
 * this version, so CI and a maintainer's machine read the same report format.
 */
export const SEMVER_CHECKS_VERSION = '0.51.0';
export const SEMVER_CHECKS_INSTALL = `cargo install --locked cargo-semver-checks@${SEMVER_CHECKS_VERSION}`;
