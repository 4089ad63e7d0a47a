/**
 * gate-doc: `cargo doc --no-deps` with the same features as gate-test (gate 6 of the original process). A doc
 * build error fails; `missingDocs` and `denyWarnings` decide whether undocumented items and rustdoc warnings do.
 * Warnings and undocumented public items are counted either way, so the table shows them before they bite.
 */
import { lockedArgs } from './build';
import { countDiagnostics, parseCargoMessages, renderedDiagnostics } from './cargo-messages';
import { allFeaturesArgs } from './feature-sets';
import { summarizeCargoError } from '../cargo/cargo-errors';
import { failed, GateDefinition, passed } from './types';

export function rustdocFlags(existing: string | undefined, missingDocs: string, denyWarnings: boolean): string {
  const level = { allow: '-A', warn: '-W', deny: '-D' }[missingDocs] ?? '-W';
  return [existing?.trim(), `${level}`, 'missing_docs', ...(denyWarnings ? ['-D', 'warnings'] : [])].filter(Boolean).join(' ');
}

export const docGate: GateDefinition = {
  name: 'doc',
  description: 'Documentation build (`cargo doc --no-deps`); counts rustdoc warnings and undocumented public items; missingDocs/denyWarnings decide what fails.',
  async run(context) {
    const features = allFeaturesArgs(context.crate, context.options, context.toolchain.cuda !== null);
    const { missingDocs, denyWarnings } = context.options;
    const flags = rustdocFlags(process.env.RUSTDOCFLAGS, missingDocs, denyWarnings);
    const result = await context.cargo(['doc', '--no-deps', ...features.args, ...lockedArgs(context), '--message-format=json'], {
      env: { RUSTDOCFLAGS: flags },
      live: 'stderr',
    });
    const messages = parseCargoMessages(result.stdout);
    process.stderr.write(renderedDiagnostics(messages));
    const counts = countDiagnostics(messages);
    const details = {
      rustdocFlags: flags,
      warnings: counts.warnings,
      errors: counts.errors,
      undocumentedItems: counts.missingDocs,
      missingDocs,
      denyWarnings,
      excludedFeatures: features.excluded,
    };
    if (result.exitCode !== 0) {
      const why = counts.firstError ?? summarizeCargoError(result.stderr);
      return failed(`documentation build failed (${counts.errors} error(s), ${counts.missingDocs} undocumented item(s)): ${why}`, details);
    }
    return passed(`docs built; ${counts.warnings} warning(s), ${counts.missingDocs} undocumented public item(s)`, details);
  },
  keyFigure: (r) => `${r.details.warnings ?? 0} warnings, ${r.details.undocumentedItems ?? 0} undocumented`,
};
