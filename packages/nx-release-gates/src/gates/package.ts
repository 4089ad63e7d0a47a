/**
 * gate-package: what crates.io will receive (gate 3 of the original process, which shipped several releases
 * without its templates before this gate existed). One `cargo package --no-verify` writes the .crate; every
 * `requiredFiles` entry must be among the files inside it, and it must fit `maxCrateSize` (crates.io refuses
 * uploads over 10 MiB). Unpublished workspace crates it depends on by path are packaged in the same call (cargo >=
 * 1.90), so a sibling released together is not a false failure; the published-contents check (compile) is
 * gate-publish's.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { minimatch } from 'minimatch';
import { summarizeCargoError } from '../cargo/cargo-errors';
import { formatBytes } from '../options/sizes';
import { tarFileNames } from '../util/tar-entries';
import { featureArgs } from './feature-sets';
import { packageSelection, siblingsToInclude } from '../cargo/path-siblings';
import { currentTargetDirectory, writtenSince } from './target-directory';
import { failed, GateContext, GateDefinition, passed } from './types';

/** Files on disk under the crate folder that match `pattern` (to tell "excluded" from "does not exist"). */
function matchesOnDisk(crateDir: string, pattern: string): boolean {
  if (!/[*?[{]/.test(pattern)) return fs.existsSync(path.join(crateDir, pattern));
  const walk = (dir: string, rel: string): boolean =>
    fs.readdirSync(dir, { withFileTypes: true }).some((entry) => {
      if (entry.name === 'target' || entry.name === '.git') return false;
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      return entry.isDirectory() ? walk(path.join(dir, entry.name), relPath) : minimatch(relPath, pattern, { dot: true });
    });
  return walk(crateDir, '');
}

async function crateFilePath(context: GateContext): Promise<string> {
  return path.join(await currentTargetDirectory(context), 'package', `${context.crate.name}-${context.crate.version}.crate`);
}

export const packageGate: GateDefinition = {
  name: 'package',
  cacheable: true,
  // gate-publish rewrites the same target/package/<crate>-<version>.crate.
  targetDirectoryParts: ['package'],
  description: 'Package contents: the .crate `cargo package` writes holds every requiredFiles entry and fits maxCrateSize.',
  async run(context) {
    const features = featureArgs(context.options.features, context.options.noDefaultFeatures);
    const { requiredFiles, maxCrateSize } = context.options;
    const notOnDisk = requiredFiles.filter((p) => !matchesOnDisk(context.crateDir, p));
    if (notOnDisk.length) {
      return failed(
        `requiredFiles entr${notOnDisk.length === 1 ? 'y' : 'ies'} ${notOnDisk.map((p) => `"${p}"`).join(', ')} match${notOnDisk.length === 1 ? 'es' : ''} no file in ${context.crate.root}; fix the path (relative to the crate folder)`,
        { requiredFiles, notOnDisk },
      );
    }
    const siblings = siblingsToInclude(context);
    const selection = packageSelection(context.crate.name, siblings, context.options.features);
    const pack = await context.cargo(
      ['package', '--allow-dirty', '--no-verify', ...selection.packages, ...featureArgs(selection.features, context.options.noDefaultFeatures)],
      { live: 'stderr' },
    );
    if (pack.exitCode !== 0) return failed(`cargo package failed: ${summarizeCargoError(pack.stderr)}`, { requiredFiles, withSiblings: siblings });
    const cratePath = await crateFilePath(context);
    const written = fs.statSync(cratePath, { throwIfNoEntry: false });
    if (!written || !writtenSince(written.mtimeMs, context.startedAt)) {
      const shown = path.relative(context.workspaceRoot, cratePath);
      return failed(`cargo package did not write ${shown} in this run${written ? ' (the file there is from an earlier run)' : ''}; check target-dir in your cargo config`, { requiredFiles, withSiblings: siblings });
    }
    const crateBytes = fs.statSync(cratePath).size;
    const prefix = `${context.crate.name}-${context.crate.version}/`;
    const files = tarFileNames(fs.readFileSync(cratePath)).map((f) => (f.startsWith(prefix) ? f.slice(prefix.length) : f));
    const missing = requiredFiles.filter((pattern) => !files.some((f) => minimatch(f, pattern, { dot: true })));
    const details: Record<string, unknown> = { fileCount: files.length, requiredFiles, missing, crateBytes, maxCrateSize, withSiblings: siblings };

    if (missing.length) {
      const heldNearby = missing.map((m) => {
        const folder = path.posix.dirname(m.replace(/[*?[{].*$/, 'x'));
        const held = files.filter((f) => folder === '.' || f.startsWith(`${folder}/`));
        return `${m} (package holds under ${folder}/: ${held.length ? held.join(', ') : 'nothing'})`;
      });
      details.heldNearby = heldNearby;
      return failed(`missing from the package: ${heldNearby.join('; ')}; check include/exclude in Cargo.toml`, details);
    }
    if (crateBytes > maxCrateSize) {
      return failed(`.crate is ${formatBytes(crateBytes)}, over maxCrateSize ${formatBytes(maxCrateSize)}; exclude large files in Cargo.toml`, details);
    }
    return passed(`${files.length} files packaged, .crate ${formatBytes(crateBytes)} of ${formatBytes(maxCrateSize)}; ${requiredFiles.length} required file(s) present`, details);
  },
  keyFigure: (r) => {
    const missing = (r.details.missing as string[] | undefined) ?? [];
    if (missing.length) return `missing: ${missing.join(', ')}`;
    return typeof r.details.crateBytes === 'number' ? `.crate ${formatBytes(r.details.crateBytes)}` : '';
  },
};
