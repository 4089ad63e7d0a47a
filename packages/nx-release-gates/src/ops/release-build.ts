/**
 * The release build and the binaries it leaves in dist/release-gates/<project>/bin: gate-build and gate-cuda run the
 * build, gate-size and gate-version read the copied binaries back.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { summarizeCargoError } from '../parsers/cargo-errors';
import { builtExecutables, packageArtifacts, parseCargoMessages } from '../parsers/cargo-messages';
import { featureArgs } from '../model/feature-sets';
import { lockedArgs, type CrateModel } from '../model/crate-model';
import { currentTargetDirectory, type CargoRunner, type TargetDirectoryContext } from './target-directory';
import { forgetFreshness } from './forget-freshness';
import { cargoToolFiles } from './keyed-files';

export interface CopiedBinary {
  name: string;
  bytes: number;
  /** Relative to the workspace root. */
  path: string;
}

/** What a release build needs of a gate's context. */
export type ReleaseBuildContext = CargoRunner &
  TargetDirectoryContext & { crate: Pick<CrateModel, 'lockfile' | 'manifestPath' | 'name'>; workspaceRoot: string; crateDir: string; env: Readonly<Record<string, string | undefined>> };

/** Runs a release build and copies its executables to `binDir`. Shared by gate-build and gate-cuda. */
export async function releaseBuild(context: ReleaseBuildContext, features: string[], noDefaultFeatures: boolean, binDir: string | null) {
  // A wrapper or linker named by path is in the cache key by content, but not in cargo's freshness: when Nx runs the
  // gate, the crate's own release units are compiled and linked again, with the program as it is now.
  if (cargoToolFiles(context.crateDir, context.env).length > 0) {
    forgetFreshness(await currentTargetDirectory(context), context.crate.name, { prefixes: ['lib-', 'bin-', 'build-script-'], profile: 'release' });
  }
  const result = await context.cargo(
    ['build', '--release', ...featureArgs(features, noDefaultFeatures), ...lockedArgs(context), '--message-format=json-render-diagnostics'],
    { live: 'stderr' },
  );
  const binaries: CopiedBinary[] = [];
  const messages = parseCargoMessages(result.stdout);
  if (result.exitCode === 0 && binDir) {
    fs.rmSync(binDir, { recursive: true, force: true });
    fs.mkdirSync(binDir, { recursive: true });
    const manifest = path.join(context.workspaceRoot, context.crate.manifestPath);
    for (const exe of builtExecutables(messages, manifest)) {
      const target = path.join(binDir, path.basename(exe.path));
      fs.copyFileSync(exe.path, target);
      binaries.push({ name: exe.name, bytes: fs.statSync(target).size, path: path.relative(context.workspaceRoot, target).split(path.sep).join('/') });
    }
  }
  const manifest = path.join(context.workspaceRoot, context.crate.manifestPath);
  const builtTargets = packageArtifacts(messages, manifest).length;
  return { result, messages, binaries, builtTargets, error: result.exitCode === 0 ? null : summarizeCargoError(result.stderr) };
}

/** The file of binary `name` in `binDir` (`name` or `name.exe`), or null. */
export function binaryFile(binDir: string, name: string): string | null {
  return [name, `${name}.exe`].map((n) => path.join(binDir, n)).find((f) => fs.existsSync(f)) ?? null;
}
