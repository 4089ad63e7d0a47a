/**
 * gate-build: the release build with the configured features (gate 1 of the original process). Copies each release
 * binary to dist/release-gates/<project>/bin/ so gate-size and release workflows use it without compiling again.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { summarizeCargoError } from '../../parsers/cargo-errors';
import { formatBytes } from '../../util/sizes';
import { builtExecutables, packageArtifacts, parseCargoMessages } from '../../parsers/cargo-messages';
import { enabledFeatures, featureArgs } from '../../model/feature-sets';
import { checkUndeclaredInputs } from '../shared/undeclared-check';
import { forgetFreshness } from '../shared/forget-freshness';
import { currentTargetDirectory } from '../shared/target-directory';
import { cargoToolFiles } from '../../ops/keyed-files';
import { firstFew } from '../../model/reason';
import { failed, GateContext, GateDefinition, GateOutcome, passed } from '../types';
import { gateSpec } from '../../model/catalog';

export function lockedArgs(context: GateContext): string[] {
  return context.crate.lockfile ? ['--locked'] : [];
}

export interface CopiedBinary {
  name: string;
  bytes: number;
  /** Relative to the workspace root. */
  path: string;
}

/** Runs a release build and copies its executables to `binDir`. Shared by gate-build and gate-cuda. */
export async function releaseBuild(context: GateContext, features: string[], noDefaultFeatures: boolean, binDir: string | null) {
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

export interface BuildFacts {
  /** cargo's failure, summarized; null when the build passed. */
  error: string | null;
  binaries: CopiedBinary[];
  /** The crate's declared binaries and the required-features of those that have some. */
  declared: readonly string[];
  requiredFeatures: Readonly<Record<string, readonly string[]>>;
  /** The features the release build switches on (options.features, default unless noDefaultFeatures, and what they enable). */
  enabled: ReadonlySet<string>;
  /** How many of the crate's own targets cargo built (lib, bins, build script). */
  builtTargets: number;
}

/** Declared binaries the build did not produce because their required-features are off, with the missing features. */
export function binariesSkippedByFeatures(facts: Pick<BuildFacts, 'declared' | 'requiredFeatures' | 'enabled'>): Array<{ name: string; missingFeatures: string[] }> {
  return facts.declared
    .map((name) => ({ name, missingFeatures: (facts.requiredFeatures[name] ?? []).filter((f) => !facts.enabled.has(f.split('/')[0])) }))
    .filter((b) => b.missingFeatures.length > 0);
}

export function judgeBuild(facts: BuildFacts, details: Record<string, unknown>): GateOutcome {
  const skippedBinaries = binariesSkippedByFeatures(facts);
  const all = { ...details, binaries: facts.binaries, skippedBinaries, checked: facts.builtTargets };
  if (facts.error) return failed(`release build failed: ${facts.error}`, all);
  const why = skippedBinaries.length
    ? `; ${firstFew(skippedBinaries.map((b) => `binary ${b.name} not built: it has required-features = [${b.missingFeatures.map((f) => `"${f}"`).join(', ')}], which the release features do not enable`), 2)} (add them to features)`
    : '';
  const shown = facts.binaries.map((b) => `${b.name} (${formatBytes(b.bytes)})`).join(', ');
  return passed(facts.binaries.length ? `release build passed; binaries: ${shown}${why}` : `release build passed (library only)${why}`, all);
}

export const buildGate: GateDefinition = {
  ...gateSpec('build'),
  async run(context) {
    const { features, noDefaultFeatures } = context.options;
    const binDir = path.join(context.resultDir, 'bin');
    const { binaries, error, builtTargets, messages } = await releaseBuild(context, features, noDefaultFeatures, binDir);
    const outcome = judgeBuild(
      {
        error,
        binaries,
        declared: context.crate.binaries,
        requiredFeatures: context.crate.binaryRequiredFeatures ?? {},
        enabled: enabledFeatures(context.crate, features, noDefaultFeatures),
        builtTargets,
      },
      { features, noDefaultFeatures },
    );
    return error ? outcome : checkUndeclaredInputs(context, messages, outcome);
  },
  keyFigure: (r) => {
    const bins = (r.details.binaries as CopiedBinary[] | undefined) ?? [];
    const skipped = ((r.details.skippedBinaries as unknown[] | undefined) ?? []).length;
    const note = skipped ? ` (${skipped} skipped: required-features)` : '';
    return `${bins.length ? `${bins.length} binar${bins.length === 1 ? 'y' : 'ies'}` : 'library'}${note}`;
  },
};
