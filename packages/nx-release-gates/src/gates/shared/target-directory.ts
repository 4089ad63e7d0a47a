import * as path from 'node:path';
import type { GateContext } from '../types';

/**
 * Where cargo writes for this gate as inference saw it: its own directory (targetDirectory: per-gate), else
 * CARGO_TARGET_DIR (as the gate's cargo calls see it) or cargo metadata's answer at inference. Good for choosing a
 * lock or a per-gate folder; a gate that reads a file cargo wrote asks cargo again (currentTargetDirectory).
 */
export function cargoTargetDirectory(
  context: Pick<GateContext, 'crate' | 'crateDir' | 'targetDirectory'>,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  if (context.targetDirectory) return context.targetDirectory;
  const fromEnv = env.CARGO_TARGET_DIR ?? env.CARGO_BUILD_TARGET_DIR;
  return fromEnv ? path.resolve(context.crateDir, fromEnv) : context.crate.targetDirectory;
}

/**
 * The target directory cargo uses now, asked of cargo itself (`cargo metadata --no-deps`): a `target-dir` in any
 * cargo config file, or a variable, may have moved it since inference, and a gate must read the file this run wrote,
 * never one left in the old place.
 */
export async function currentTargetDirectory(context: GateContext): Promise<string> {
  if (context.targetDirectory) return context.targetDirectory;
  const result = await context.cargo(['metadata', '--no-deps', '--format-version', '1', '--offline'], { live: 'none' });
  try {
    const answer = JSON.parse(result.stdout).target_directory;
    if (typeof answer === 'string' && answer) return answer;
  } catch {
    // Fall through to what inference saw; the freshness check on the file read still applies.
  }
  return cargoTargetDirectory(context, context.env);
}
