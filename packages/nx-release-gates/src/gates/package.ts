/**
 * gate-package: what crates.io will receive (gate 3 of the original process, which shipped several releases
 * without its templates before this gate existed). Every `requiredFiles` entry must be in `cargo package --list`,
 * and the .crate must fit `maxCrateSize` (crates.io refuses uploads over 10 MiB).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { minimatch } from 'minimatch';
import { summarizeCargoError } from '../cargo/cargo-errors';
import { formatBytes } from '../options/sizes';
import { featureArgs } from './feature-sets';
import { cargoTargetDirectory } from './target-directory';
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

function crateFilePath(context: GateContext): string {
  return path.join(cargoTargetDirectory(context), 'package', `${context.crate.name}-${context.crate.version}.crate`);
}

export const packageGate: GateDefinition = {
  name: 'package',
  description: 'Package contents: `cargo package --list` holds every requiredFiles entry, and the .crate fits maxCrateSize.',
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
    const list = await context.cargo(['package', '--list', '--allow-dirty', ...features], { live: 'stderr' });
    if (list.exitCode !== 0) return failed(`cargo package --list failed: ${summarizeCargoError(list.stderr)}`, { requiredFiles });
    const files = list.stdout.split('\n').map((l) => l.trim().replace(/\\/g, '/')).filter(Boolean);
    const missing = requiredFiles.filter((pattern) => !files.some((f) => minimatch(f, pattern, { dot: true })));

    const pack = await context.cargo(['package', '--allow-dirty', '--no-verify', ...features], { live: 'stderr' });
    if (pack.exitCode !== 0) return failed(`cargo package failed: ${summarizeCargoError(pack.stderr)}`, { requiredFiles, missing });
    const cratePath = crateFilePath(context);
    const crateBytes = fs.existsSync(cratePath) ? fs.statSync(cratePath).size : null;
    const details: Record<string, unknown> = { fileCount: files.length, requiredFiles, missing, crateBytes, maxCrateSize };

    if (missing.length) {
      const heldNearby = missing.map((m) => {
        const folder = path.posix.dirname(m.replace(/[*?[{].*$/, 'x'));
        const held = files.filter((f) => folder === '.' || f.startsWith(`${folder}/`));
        return `${m} (package holds under ${folder}/: ${held.length ? held.join(', ') : 'nothing'})`;
      });
      details.heldNearby = heldNearby;
      return failed(`missing from the package: ${heldNearby.join('; ')}; check include/exclude in Cargo.toml`, details);
    }
    if (crateBytes === null) return failed(`cargo package did not write ${cratePath}`, details);
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
