/**
 * Packaging a crate as a release does, for gate-package, gate-publish, gate-install and gate-version: one cargo call
 * names the crate and the unpublished workspace crates it reaches by path (model/path-siblings.ts), with the release
 * features, and the gate reads back only the .crate files that call wrote, never one an earlier run left behind.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { featureArgs } from '../model/feature-sets';
import { packageSelection, siblingsToInclude } from '../model/path-siblings';
import { isSemver } from '../model/release-tag';
import type { CrateModel } from '../model/crate-model';
import type { Toolchain } from '../model/toolchain';
import type { CommandResult } from './process';
import { currentTargetDirectory, type CargoRunner, type TargetDirectoryContext } from './target-directory';
import { fileWrittenDuring } from '../model/freshness';

/** What choosing the packaged crates needs of a gate's context. */
export interface PackageContext extends CargoRunner {
  crate: Pick<CrateModel, 'name' | 'version' | 'packageWith'>;
  toolchain: Pick<Toolchain, 'cargo'>;
  options: { features: string[]; noDefaultFeatures: boolean };
}

/** The crates packaged together (the crate's unpublished path siblings, when cargo can) and their cargo arguments. */
export interface PackageSelection {
  siblings: string[];
  /** `-p crate -p sibling ...` with the crate's features qualified to reach it alone, or only the feature arguments. */
  args: string[];
}

export function packageArgs(crateName: string, siblings: string[], features: string[], noDefaultFeatures: boolean): string[] {
  const selection = packageSelection(crateName, siblings, features);
  return [...selection.packages, ...featureArgs(selection.features, noDefaultFeatures)];
}

export function selectPackages(context: Omit<PackageContext, 'cargo'>): PackageSelection {
  const siblings = siblingsToInclude(context);
  return { siblings, args: packageArgs(context.crate.name, siblings, context.options.features, context.options.noDefaultFeatures) };
}

/**
 * `cargo package --allow-dirty --no-verify` of the selection: the working tree as it is (whether it is committed is
 * gate-lockfile's question), without the verify build (gate-publish's). `targetDir`: a folder of the gate's own, so
 * the shared target/package is not touched.
 */
export async function cargoPackage(context: PackageContext, targetDir?: string): Promise<{ result: CommandResult; siblings: string[] }> {
  const selection = selectPackages(context);
  const result = await context.cargo(['package', '--allow-dirty', '--no-verify', ...(targetDir ? ['--target-dir', targetDir] : []), ...selection.args], { live: 'stderr' });
  return { result, siblings: selection.siblings };
}

/** `<target directory>/package`, where cargo package writes the .crate files, as cargo places its target directory now. */
export async function packageDirectory(context: TargetDirectoryContext & CargoRunner): Promise<string> {
  return path.join(await currentTargetDirectory(context), 'package');
}

/** A .crate cargo wrote in this run, or the file expected (an earlier run's, or none) for the reason. */
export type WrittenCrate = { written: 'this-run'; file: string; bytes: number } | { written: 'earlier-run' | 'none'; file: string };

/**
 * The .crate of `name` in the first of `folders` that holds one written in this run: `<name>-<version>.crate`, or with
 * `version` null (a sibling, whose version the model does not keep) `<name>-<semver>.crate`. A file older than the
 * gate's start is an earlier run's and is never read.
 */
export function crateWrittenThisRun(folders: readonly string[], name: string, version: string | null, startedAt: Date): WrittenCrate {
  const matches = (file: string) => file.endsWith('.crate') && file.startsWith(`${name}-`) && (version === null ? isSemver(file.slice(name.length + 1, -'.crate'.length)) : file === `${name}-${version}.crate`);
  let earlier: string | null = null;
  for (const folder of folders) {
    const names = fs.existsSync(folder) ? fs.readdirSync(folder).filter(matches).sort() : [];
    for (const file of names.map((f) => path.join(folder, f))) {
      const stat = fs.statSync(file, { throwIfNoEntry: false });
      if (!stat?.isFile()) continue;
      if (fileWrittenDuring(stat.mtimeMs, startedAt)) return { written: 'this-run', file, bytes: stat.size };
      earlier ??= file;
    }
  }
  if (earlier) return { written: 'earlier-run', file: earlier };
  return { written: 'none', file: path.join(folders[0] ?? '', `${name}-${version ?? '<version>'}.crate`) };
}
