/**
 * Runtime cache input of every gate (Nx runs it from the workspace root before hashing). Prints the toolchain that
 * decides what cargo produces: `rustc -vV`, `cargo -V` and the CUDA toolkit's version or `none`. It never fails,
 * whatever is missing: a failing runtime input would stop every Nx run in the workspace.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { nvccCandidates, parseNvccVersion } from './cargo/toolchain';

function probe(file: string, args: string[]): string | null {
  try {
    return execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 30_000 });
  } catch {
    return null;
  }
}

function cudaVersion(): string {
  for (const candidate of nvccCandidates()) {
    if (candidate !== 'nvcc' && !fs.existsSync(candidate)) continue;
    const version = parseNvccVersion(probe(candidate, ['--version']) ?? '');
    if (version) return version;
  }
  return 'none';
}

const lines = [
  `rustc: ${(probe('rustc', ['-vV']) ?? 'none').trim().replace(/\n/g, ' | ')}`,
  `cargo: ${(probe('cargo', ['-V']) ?? 'none').trim()}`,
  `cuda: ${cudaVersion()}`,
];
process.stdout.write(`${lines.join('\n')}\n`);
