import * as path from 'node:path';
import type { GateContext } from './types';

/** Where cargo writes for this gate: CARGO_TARGET_DIR (as the gate's cargo calls see it) or cargo metadata's answer. */
export function cargoTargetDirectory(context: Pick<GateContext, 'crate' | 'crateDir'>, env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.CARGO_TARGET_DIR ?? env.CARGO_BUILD_TARGET_DIR;
  return fromEnv ? path.resolve(context.crateDir, fromEnv) : context.crate.targetDirectory;
}
