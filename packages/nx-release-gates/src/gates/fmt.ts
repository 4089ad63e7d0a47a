/**
 * gate-fmt: the pre-flight `cargo fmt -- --check` of the original process. `--message-format short` makes rustfmt
 * print one path per file that needs formatting (rustfmt's json format refuses --check), which the result lists
 * relative to the workspace root.
 */
import * as path from 'node:path';
import { stripAnsi, summarizeCargoError } from '../cargo/cargo-errors';
import { failed, GateDefinition, passed } from './types';

/** The files `cargo fmt --check --message-format short` listed, relative to `workspaceRoot` (posix separators). */
export function parseFmtShortOutput(stdout: string, workspaceRoot: string): string[] {
  const files = stripAnsi(stdout)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && (path.isAbsolute(l) || /\.rs$/.test(l)))
    .map((l) => path.relative(workspaceRoot, path.resolve(workspaceRoot, l)).split(path.sep).join('/'));
  return [...new Set(files)].sort();
}

const RUSTFMT_MISSING = /no such (sub)?command:?\s*`?fmt|'cargo-fmt' is not installed|'rustfmt' is not installed|cargo-fmt.*not found/i;

export const fmtGate: GateDefinition = {
  name: 'fmt',
  cacheable: true,
  description: 'Pre-flight: `cargo fmt --check`; the result lists every file that needs formatting.',
  async run(context) {
    const result = await context.cargo(['fmt', '--check', '--message-format', 'short', '--manifest-path', 'Cargo.toml'], { live: 'stderr' });
    const files = parseFmtShortOutput(result.stdout, context.workspaceRoot);
    const details = { unformatted: files };
    if (result.exitCode === 0) return passed('every file is formatted (cargo fmt --check)', details);
    if (RUSTFMT_MISSING.test(result.stderr)) {
      return failed('rustfmt is not installed for this toolchain; run `rustup component add rustfmt`, then run again', details);
    }
    const errors = stripAnsi(result.stderr).split('\n').filter((l) => /^error/.test(l.trim()));
    if (errors.length) {
      // rustfmt could not parse a file: that is a compile error, not a formatting question.
      return failed(`rustfmt could not format the crate: ${summarizeCargoError(result.stderr)}`, { ...details, errors: errors.length });
    }
    if (files.length === 0) return failed(`cargo fmt --check failed: ${summarizeCargoError(result.stderr)}`, details);
    const shown = files.length > 5 ? `${files.slice(0, 5).join(', ')} and ${files.length - 5} more` : files.join(', ');
    return failed(`${files.length} file${files.length === 1 ? ' needs' : 's need'} formatting: ${shown}; run \`cargo fmt\` and commit`, details);
  },
  keyFigure: (r) => {
    const files = (r.details.unformatted as string[] | undefined) ?? [];
    return files.length ? `${files.length} unformatted` : r.status === 'passed' ? 'formatted' : '';
  },
};
