/**
 * gate-build: the release build with the configured features (gate 1 of the original process). Copies each release
 * binary to dist/release-gates/<project>/bin/ so gate-size and release workflows use it without compiling again.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { summarizeCargoError } from '../cargo/cargo-errors';
import { formatBytes } from '../options/sizes';
import { builtExecutables, parseCargoMessages } from './cargo-messages';
import { featureArgs } from './feature-sets';
import { checkUndeclaredInputs } from './lib/undeclared-check';
import { failed, GateContext, GateDefinition, passed } from './types';

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
  return { result, messages, binaries, error: result.exitCode === 0 ? null : summarizeCargoError(result.stderr) };
}

export const buildGate: GateDefinition = {
  name: 'build',
  cacheable: true,
  extraOutputs: ['bin'],
  description: 'Release build (`cargo build --release`) with the configured features; copies the binaries to dist/release-gates/<project>/bin.',
  async run(context) {
    const { features, noDefaultFeatures } = context.options;
    const binDir = path.join(context.resultDir, 'bin');
    const { binaries, error, messages } = await releaseBuild(context, features, noDefaultFeatures, binDir);
    const details = { features, noDefaultFeatures, binaries };
    if (error) return failed(`release build failed: ${error}`, details);
    const shown = binaries.map((b) => `${b.name} (${formatBytes(b.bytes)})`).join(', ');
    return checkUndeclaredInputs(context, messages, passed(binaries.length ? `release build passed; binaries: ${shown}` : 'release build passed (library only)', details));
  },
  keyFigure: (r) => {
    const bins = (r.details.binaries as CopiedBinary[] | undefined) ?? [];
    return bins.length ? `${bins.length} binar${bins.length === 1 ? 'y' : 'ies'}` : 'library';
  },
};
