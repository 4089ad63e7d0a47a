/**
 * gate-build: the release build with the configured features. Copies each release
 * binary to dist/release-gates/<project>/bin/ so gate-size and release workflows use it without compiling again.
 */
import * as path from 'node:path';
import { formatBytes } from '../../util/sizes';
import { binariesSkippedByFeatures, enabledFeatures } from '../../model/feature-sets';
import { CopiedBinary, releaseBuild } from '../../ops/release-build';
import { checkUndeclaredInputs } from '../shared/undeclared-check';
import { firstFew } from '../../model/reason';
import { failed, GateDefinition, GateOutcome, passed } from '../types';
import { gateSpec } from '../../model/catalog';

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
