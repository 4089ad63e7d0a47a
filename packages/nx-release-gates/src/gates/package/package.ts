/**
 * gate-package: what crates.io will receive (a file left out of the package, such as a template the binary reads
 * at run time, is missing only for users of the published crate). One `cargo package --no-verify` writes the
 * .crate; every `requiredFiles` entry must be among the files inside it, and it must fit `maxCrateSize` (crates.io
 * refuses uploads over 10 MiB). Unpublished workspace crates it depends on by path are packaged in the same call (cargo
 * >= 1.90), so a sibling released together is not a false failure; the published-contents check (compile) is
 * gate-publish's.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { minimatch } from 'minimatch';
import { parse as parseToml } from 'smol-toml';
import { summarizeCargoError } from '../../parsers/cargo-errors';
import { formatBytes } from '../../util/sizes';
import { verifiedPackage } from '../../parsers/crate-files';
import type { VerifiedPackage } from '../../model/verified-package';
import { cargoPackage, crateWrittenThisRun, packageDirectory } from '../../ops/cargo-package';
import { packageRuleDropping } from './package-rules';
import { firstFew } from '../../model/reason';
import { failed, GateContext, GateDefinition, GateOutcome, passed, skipped } from '../types';
import { gateSpec } from '../../model/catalog';
import { LEARNED_FILE } from '../../cache-key/learned-inputs';

/** Files on disk under the crate folder that match `pattern` (to tell "excluded" from "does not exist"). */
function filesOnDisk(crateDir: string, pattern: string): string[] {
  if (!/[*?[{]/.test(pattern)) return fs.existsSync(path.join(crateDir, pattern)) ? [pattern.replace(/^\.\//, '')] : [];
  const found: string[] = [];
  const walk = (dir: string, rel: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'target' || entry.name === '.git') continue;
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path.join(dir, entry.name), relPath);
      else if (minimatch(relPath, pattern, { dot: true })) found.push(relPath);
    }
  };
  walk(crateDir, '');
  return found;
}

const matchesOnDisk = (crateDir: string, pattern: string) => filesOnDisk(crateDir, pattern).length > 0;

/** `[package] include` and `exclude` of the crate's manifest (null when unset or unreadable). */
function manifestPackageRules(manifest: string): { include: string[] | null; exclude: string[] | null } {
  try {
    const pkg = (parseToml(fs.readFileSync(manifest, 'utf8')) as { package?: { include?: unknown; exclude?: unknown } }).package ?? {};
    const list = (v: unknown) => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : null);
    return { include: list(pkg.include), exclude: list(pkg.exclude) };
  } catch {
    return { include: null, exclude: null };
  }
}

/** The `requiredFiles` patterns no file inside the .crate matches. */
export function missingFromPackage(requiredFiles: readonly string[], files: readonly string[]): string[] {
  return requiredFiles.filter((pattern) => !files.some((f) => minimatch(f, pattern, { dot: true })));
}

/** What one `cargo package` run left: its error, or the .crate this run wrote and what is inside it. */
export interface PackFacts {
  /** cargo's failure, summarized; null when it succeeded. */
  error: string | null;
  /** The .crate's path relative to the workspace, for reasons. */
  crateFile: string;
  /** Whether that file was written by this run, is older (an earlier run's), or is not there. */
  written: 'this-run' | 'earlier-run' | 'none';
  /** The files inside the .crate, relative to the crate folder. */
  files: readonly string[];
  crateBytes: number;
  /** Each file's sha256 and the .crate's own: what the publish step holds a package made again against. */
  verified?: VerifiedPackage;
  /** For each required pattern missing from the .crate: the include/exclude rule of Cargo.toml that drops a file on disk matching it, or null. */
  causes: ReadonlyMap<string, string | null>;
}

export interface PackageFacts {
  /** The crate folder and manifest relative to the workspace, for reasons. */
  crateRoot: string;
  manifestPath: string;
  requiredFiles: readonly string[];
  /** requiredFiles entries that match no file on disk (cargo package is then not run). */
  notOnDisk: readonly string[];
  maxCrateSize: number;
  /** Unpublished path siblings packaged in the same call. */
  siblings: readonly string[];
  /** null when cargo package was not run. */
  pack: PackFacts | null;
}

export function judgePackage(facts: PackageFacts): GateOutcome {
  const { requiredFiles, notOnDisk, maxCrateSize, siblings, pack } = facts;
  if (notOnDisk.length) {
    return failed(
      `requiredFiles entr${notOnDisk.length === 1 ? 'y' : 'ies'} ${notOnDisk.map((p) => `"${p}"`).join(', ')} match${notOnDisk.length === 1 ? 'es' : ''} no file in ${facts.crateRoot}; fix the path (relative to the crate folder)`,
      { requiredFiles, notOnDisk },
    );
  }
  if (!pack) return failed('cargo package was not run; no .crate to check', { requiredFiles, withSiblings: siblings });
  if (pack.error !== null) return failed(`cargo package failed: ${pack.error}`, { requiredFiles, withSiblings: siblings });
  if (pack.written !== 'this-run') {
    return failed(`cargo package did not write ${pack.crateFile} in this run${pack.written === 'earlier-run' ? ' (the file there is from an earlier run)' : ''}; check target-dir in your cargo config`, { requiredFiles, withSiblings: siblings });
  }
  const { files, crateBytes } = pack;
  const missing = missingFromPackage(requiredFiles, files);
  const details: Record<string, unknown> = { checked: files.length, fileCount: files.length, requiredFiles, missing, crateBytes, maxCrateSize, withSiblings: siblings };
  if (pack.verified) details.verifiedPackage = pack.verified;

  if (missing.length) {
    const causes = missing.map((pattern) => ({ pattern, rule: pack.causes.get(pattern) ?? null }));
    details.causes = causes;
    details.heldNearby = missing.map((m) => {
      const folder = path.posix.dirname(m.replace(/[*?[{].*$/, 'x'));
      return { pattern: m, folder, files: files.filter((f) => folder === '.' || f.startsWith(`${folder}/`)) };
    });
    const shown = causes.map((c) => (c.rule ? `${c.pattern} (${c.rule} in ${facts.manifestPath})` : `${c.pattern} (no include/exclude rule of Cargo.toml drops it: check .gitignore)`));
    return failed(`missing from the package: ${firstFew(shown, 2)}; fix include/exclude in Cargo.toml`, details);
  }
  // The learned-inputs file lives beside Cargo.lock, so a standalone crate's folder holds it and cargo packages it
  // unless the manifest leaves it out: it describes this repository's builds and means nothing to crates.io users.
  if (files.includes(LEARNED_FILE)) {
    return failed(
      `${LEARNED_FILE} (the inputs nx-release-gates learned for this repository) would be published in the .crate; add "${LEARNED_FILE}" to exclude in ${facts.manifestPath} (with include set, leave it out of include)`,
      { ...details, packagedLearnedFile: LEARNED_FILE },
    );
  }
  if (crateBytes > maxCrateSize) {
    return failed(`.crate is ${formatBytes(crateBytes)}, over maxCrateSize ${formatBytes(maxCrateSize)}; exclude large files in Cargo.toml`, details);
  }
  return passed(`${files.length} files packaged, .crate ${formatBytes(crateBytes)} of ${formatBytes(maxCrateSize)}; ${requiredFiles.length} required file(s) present`, details);
}

/** Runs `cargo package` and reads back the .crate this run wrote (nothing is read from an older one). */
async function pack(context: GateContext, requiredFiles: readonly string[]): Promise<{ facts: PackFacts; siblings: string[] }> {
  const { result, siblings } = await cargoPackage(context);
  const none = { files: [], crateBytes: 0, causes: new Map<string, string | null>() };
  if (result.exitCode !== 0) return { facts: { error: summarizeCargoError(result.stderr), crateFile: '', written: 'none', ...none }, siblings };
  const found = crateWrittenThisRun([await packageDirectory(context)], context.crate.name, context.crate.version, context.startedAt);
  const crateFile = path.relative(context.workspaceRoot, found.file);
  if (found.written !== 'this-run') return { facts: { error: null, crateFile, written: found.written, ...none }, siblings };
  const verified = verifiedPackage(fs.readFileSync(found.file), context.crate.name, context.crate.version);
  const files = verified.files.map((f) => f.path);
  const causes = new Map<string, string | null>();
  const missing = missingFromPackage(requiredFiles, files);
  if (missing.length) {
    const rules = manifestPackageRules(path.join(context.crateDir, 'Cargo.toml'));
    for (const pattern of missing) {
      const onDisk = filesOnDisk(context.crateDir, pattern);
      causes.set(pattern, onDisk.map((f) => packageRuleDropping(f, rules.include, rules.exclude)).find((r) => r !== null) ?? null);
    }
  }
  return { facts: { error: null, crateFile, written: 'this-run', files, crateBytes: found.bytes, causes, verified }, siblings };
}

export const packageGate: GateDefinition = {
  ...gateSpec('package'),
  async run(context) {
    const { requiredFiles, maxCrateSize } = context.options;
    const notOnDisk = requiredFiles.filter((p) => !matchesOnDisk(context.crateDir, p));
    // A crate that is never published has no .crate to judge (e.g. a fuzz crate: `cargo package` fails on its path
    // dependency without a version, which nobody will ever package); its required files must still be on disk.
    if (!context.crate.publish && notOnDisk.length === 0) {
      return skipped(`crate is not published (publish = false in ${context.crate.manifestPath}): no .crate to check; ${requiredFiles.length} required file(s) on disk`, {
        checked: requiredFiles.length,
        requiredFiles,
      });
    }
    const packed = notOnDisk.length ? null : await pack(context, requiredFiles);
    return judgePackage({
      crateRoot: context.crate.root,
      manifestPath: context.crate.manifestPath,
      requiredFiles,
      notOnDisk,
      maxCrateSize,
      siblings: packed?.siblings ?? [],
      pack: packed?.facts ?? null,
    });
  },
  keyFigure: (r) => {
    const missing = (r.details.missing as string[] | undefined) ?? [];
    if (missing.length) return `missing: ${missing.join(', ')}`;
    return typeof r.details.crateBytes === 'number' ? `.crate ${formatBytes(r.details.crateBytes)}` : '';
  },
};
