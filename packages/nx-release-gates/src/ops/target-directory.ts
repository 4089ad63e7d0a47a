import * as path from 'node:path';
import type { CrateModel } from '../model/crate-model';
import type { CommandResult, RunCommandOptions } from './process';

/** Anything that runs cargo the way a gate does (a gate's context): what ops/ helpers take to ask cargo. */
export interface CargoRunner {
  cargo(args: string[], options?: RunCommandOptions): Promise<CommandResult>;
}

/** What choosing the target directory needs of a gate's context. */
export interface TargetDirectoryContext {
  crate: Pick<CrateModel, 'targetDirectory'>;
  /** Absolute crate folder (cargo's working directory). */
  crateDir: string;
  /** Set when the gate's cargo calls use their own target directory (option targetDirectory: per-gate). */
  targetDirectory?: string;
  env: Readonly<Record<string, string | undefined>>;
}

/**
 * Where cargo writes for this gate as inference saw it: its own directory (targetDirectory: per-gate), else
 * CARGO_TARGET_DIR (as the gate's cargo calls see it) or cargo metadata's answer at inference. Good for choosing a
 * lock or a per-gate folder; a gate that reads a file cargo wrote asks cargo again (currentTargetDirectory).
 */
export function cargoTargetDirectory(
  context: Omit<TargetDirectoryContext, 'env'>,
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
export async function currentTargetDirectory(context: TargetDirectoryContext & CargoRunner): Promise<string> {
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
