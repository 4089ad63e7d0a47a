/**
 * gate-size: every release binary gate-build produced is at most maxBinarySize. A missing binary must not read as
 * size 0 and pass, so a binary the crate declares but gate-build did not leave behind is a failure, and only
 * binaries gate-build wrote in this very run (or Nx replayed for it) are measured: a skipped or failed gate-build never
 * lets a previous commit's binary pass.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatBytes } from '../../util/sizes';
import { firstFew } from '../../model/reason';
import { binaryFile } from '../../ops/release-build';
import { failed, GateDefinition, GateOutcome, passed, skipped, UpstreamResult } from '../types';
import { gateSpec } from '../../model/catalog';

export interface MeasuredBinary {
  name: string;
  bytes: number | null;
  limit: number;
  headroom: number | null;
}

export interface SizeFacts {
  /** The crate's declared `bin` targets. */
  declared: readonly string[];
  /** gate-build's result in this run. */
  build: UpstreamResult;
  /** Size of each declared binary in gate-build's bin folder (null: not there). */
  sizes: ReadonlyMap<string, number | null>;
  limit: number;
  /** For reasons: the bin folder relative to the workspace. */
  binFolder: string;
}

export function judgeSize(facts: SizeFacts): GateOutcome {
  const { limit } = facts;
  if (facts.declared.length === 0) return skipped('crate has no binary target', { binaries: [], limit });
  if ('problem' in facts.build) return failed(`no binary to measure: ${facts.build.problem}`, { binaries: [], limit });
  const build = facts.build.result;
  if (build.status === 'skipped') return skipped(`gate-build was skipped in this run (${build.reason}); no binary was built to measure`, { binaries: [], limit });
  if (build.status !== 'passed') return failed(`gate-build did not pass in this run (${build.status}); no binary was built to measure`, { binaries: [], limit });
  const binaries: MeasuredBinary[] = facts.declared.map((name) => {
    const bytes = facts.sizes.get(name) ?? null;
    return { name, bytes, limit, headroom: bytes === null ? null : limit - bytes };
  });
  const details = { binaries, limit, checked: binaries.length };
  const missing = binaries.filter((b) => b.bytes === null);
  if (missing.length) {
    // gate-build records binaries cargo skipped for their required-features: that is the cause to name.
    const skippedByBuild = (build.details?.skippedBinaries as Array<{ name: string; missingFeatures: string[] }> | undefined) ?? [];
    const why = missing.map((b) => {
      const skippedOne = skippedByBuild.find((s) => s.name === b.name);
      return skippedOne ? `${b.name} (required-features ${skippedOne.missingFeatures.join(', ')} not enabled by the release features)` : b.name;
    });
    return failed(`binary ${firstFew(why)} missing from ${facts.binFolder}: gate-build did not produce it`, details);
  }
  const over = binaries.filter((b) => b.bytes! > limit);
  if (over.length) {
    const list = over.map((b) => `${b.name} is ${formatBytes(b.bytes!)} (${formatBytes(-b.headroom!)} over)`).join(', ');
    return failed(`${list}; limit ${formatBytes(limit)}: review dependencies and features, or strip symbols`, details);
  }
  const list = binaries.map((b) => `${b.name} ${formatBytes(b.bytes!)} (${formatBytes(b.headroom!)} headroom)`).join(', ');
  return passed(`${list}; limit ${formatBytes(limit)}`, details);
}

export const sizeGate: GateDefinition = {
  ...gateSpec('size'),
  async run(context) {
    const binDir = path.join(context.resultDir, 'bin');
    const sizes = new Map(context.crate.binaries.map((name) => {
      const file = binaryFile(binDir, name);
      return [name, file ? fs.statSync(file).size : null] as const;
    }));
    return judgeSize({
      declared: context.crate.binaries,
      build: context.upstream('build'),
      sizes,
      limit: context.options.maxBinarySize,
      binFolder: path.relative(context.workspaceRoot, binDir),
    });
  },
  keyFigure: (r) =>
    ((r.details.binaries as MeasuredBinary[] | undefined) ?? [])
      .map((b) => `${b.name} ${b.bytes === null ? 'missing' : formatBytes(b.bytes)} / ${formatBytes(b.limit)}`)
      .join(', '),
};
