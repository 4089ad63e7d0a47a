/**
 * gate-fmt: `cargo fmt -- --check`, so a release never carries unformatted code. `--message-format short` makes rustfmt
 * print one path per file that needs formatting (rustfmt's json format refuses --check), which the result lists
 * relative to the workspace root. rustfmt's `-v` adds a `Formatting <file>` line per file it checked (the count the
 * result gives), and stable rustfmt warns on stderr about each rustfmt.toml option it ignores as nightly-only: the
 * result records them, because "every file is formatted" is then judged with other rules than the config says.
 */
import * as path from 'node:path';
import { stripAnsi, summarizeCargoError } from '../../parsers/cargo-errors';
import { firstFew } from '../../model/reason';
import { failed, GateDefinition, GateOutcome, passed } from '../types';
import { gateSpec } from '../../model/catalog';

const CHATTER = /^(Formatting |Using rustfmt config file |Spent .* secs)/;
const relative = (workspaceRoot: string, file: string) => path.relative(workspaceRoot, path.resolve(workspaceRoot, file)).split(path.sep).join('/');

/** The files `cargo fmt --check --message-format short` listed, relative to `workspaceRoot` (posix separators). */
export function parseFmtShortOutput(stdout: string, workspaceRoot: string): string[] {
  const files = stripAnsi(stdout)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !CHATTER.test(l) && (path.isAbsolute(l) || /\.rs$/.test(l)))
    .map((l) => relative(workspaceRoot, l));
  return [...new Set(files)].sort();
}

/** The files rustfmt -v says it checked (`Formatting <file>`). */
export function parseFmtCheckedFiles(stdout: string, workspaceRoot: string): string[] {
  const files = [...stripAnsi(stdout).matchAll(/^Formatting (.+\.rs)\s*$/gm)].map((m) => relative(workspaceRoot, m[1].trim()));
  return [...new Set(files)].sort();
}

/** `Warning: can't set \`imports_granularity = Crate\`, unstable features are only available in nightly channel.` */
export function parseIgnoredOptions(stderr: string): string[] {
  const options = [...stripAnsi(stderr).matchAll(/can't set `([^`]+)`, unstable features are only available in nightly/g)].map((m) => m[1]);
  return [...new Set(options)];
}

const RUSTFMT_MISSING = /no such (sub)?command:?\s*`?fmt|'cargo-fmt' is not installed|'rustfmt' is not installed|cargo-fmt.*not found/i;

export interface FmtFacts {
  exitCode: number;
  stderr: string;
  unformatted: string[];
  checked: string[];
  ignoredOptions: string[];
}

export function judgeFmt(facts: FmtFacts): GateOutcome {
  const { unformatted: files, ignoredOptions } = facts;
  const details = { unformatted: files, checked: facts.checked.length, ignoredOptions };
  const ignored = ignoredOptions.length ? `; rustfmt ignored ${ignoredOptions.length} nightly-only option(s) of rustfmt.toml: ${firstFew(ignoredOptions)}` : '';
  if (facts.exitCode === 0) return passed(`all ${facts.checked.length} file(s) formatted (cargo fmt --check)${ignored}`, details);
  if (RUSTFMT_MISSING.test(facts.stderr)) {
    return failed('rustfmt is not installed for this toolchain; run `rustup component add rustfmt`, then run again', details);
  }
  const errors = stripAnsi(facts.stderr).split('\n').filter((l) => /^error/.test(l.trim()));
  if (errors.length) {
    // rustfmt could not parse a file: that is a compile error, not a formatting question.
    return failed(`rustfmt could not format the crate: ${summarizeCargoError(facts.stderr)}`, { ...details, errors: errors.length });
  }
  if (files.length === 0) return failed(`cargo fmt --check failed: ${summarizeCargoError(facts.stderr)}`, details);
  return failed(`${files.length} of ${facts.checked.length} file(s) need formatting: ${firstFew(files, 5)}; run \`cargo fmt\` and commit${ignored}`, details);
}

export const fmtGate: GateDefinition = {
  ...gateSpec('fmt'),
  async run(context) {
    const result = await context.cargo(['fmt', '--check', '--message-format', 'short', '--manifest-path', 'Cargo.toml', '--', '-v'], { live: 'stderr' });
    return judgeFmt({
      exitCode: result.exitCode,
      stderr: result.stderr,
      unformatted: parseFmtShortOutput(result.stdout, context.workspaceRoot),
      checked: parseFmtCheckedFiles(result.stdout, context.workspaceRoot),
      ignoredOptions: parseIgnoredOptions(result.stderr),
    });
  },
  keyFigure: (r) => {
    const files = (r.details.unformatted as string[] | undefined) ?? [];
    const ignored = ((r.details.ignoredOptions as string[] | undefined) ?? []).length;
    const note = ignored ? ` (${ignored} option${ignored === 1 ? '' : 's'} ignored)` : '';
    return files.length ? `${files.length} unformatted${note}` : r.status === 'passed' ? `formatted${note}` : '';
  },
};
