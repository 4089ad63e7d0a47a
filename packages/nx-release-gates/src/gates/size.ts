/**
 * gate-size: every release binary gate-build produced is at most maxBinarySize (gate 4 of the original process).
 * The original CI read the size with `stat ... || echo 0`, so a missing binary passed; here a binary the crate
 * declares but gate-build did not leave behind is a failure.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatBytes } from '../options/sizes';
import { failed, GateDefinition, passed, skipped } from './types';

export interface MeasuredBinary {
  name: string;
  bytes: number | null;
  limit: number;
  headroom: number | null;
}

export const sizeGate: GateDefinition = {
  name: 'size',
  description: 'Binary size: each binary gate-build produced is at most maxBinarySize; a missing binary fails.',
  dependsOn: ['build'],
  async run(context) {
    const limit = context.options.maxBinarySize;
    if (context.crate.binaries.length === 0) return skipped('crate has no binary target', { binaries: [], limit });
    const binDir = path.join(context.resultDir, 'bin');
    const binaries: MeasuredBinary[] = context.crate.binaries.map((name) => {
      const file = [name, `${name}.exe`].map((n) => path.join(binDir, n)).find((f) => fs.existsSync(f));
      const bytes = file ? fs.statSync(file).size : null;
      return { name, bytes, limit, headroom: bytes === null ? null : limit - bytes };
    });
    const details = { binaries, limit };
    const missing = binaries.filter((b) => b.bytes === null);
    if (missing.length) {
      return failed(`binary ${missing.map((b) => b.name).join(', ')} missing from ${path.relative(context.workspaceRoot, binDir)}: gate-build did not produce it`, details);
    }
    const over = binaries.filter((b) => b.bytes! > limit);
    if (over.length) {
      const list = over.map((b) => `${b.name} is ${formatBytes(b.bytes!)} (${formatBytes(-b.headroom!)} over)`).join(', ');
      return failed(`${list}; limit ${formatBytes(limit)}: review dependencies and features, or strip symbols`, details);
    }
    const list = binaries.map((b) => `${b.name} ${formatBytes(b.bytes!)} (${formatBytes(b.headroom!)} headroom)`).join(', ');
    return passed(`${list}; limit ${formatBytes(limit)}`, details);
  },
  keyFigure: (r) =>
    ((r.details.binaries as MeasuredBinary[] | undefined) ?? [])
      .map((b) => `${b.name} ${b.bytes === null ? 'missing' : formatBytes(b.bytes)} / ${formatBytes(b.limit)}`)
      .join(', '),
};
