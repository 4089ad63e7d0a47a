import * as path from 'node:path';
import type { GateContext } from './types';

/**
 * Where cargo writes for this gate: its own directory (targetDirectory: per-gate), else CARGO_TARGET_DIR (as the gate's
 * cargo calls see it) or cargo metadata's answer.
 */
export function cargoTargetDirectory(
  context: Pick<GateContext, 'crate' | 'crateDir' | 'targetDirectory'>,
  env: NodeJS.ProcessEnv = process.env,
): string {
  if (context.targetDirectory) return context.targetDirectory;
  const fromEnv = env.CARGO_TARGET_DIR ?? env.CARGO_BUILD_TARGET_DIR;
  return fromEnv ? path.resolve(context.crateDir, fromEnv) : context.crate.targetDirectory;
}
