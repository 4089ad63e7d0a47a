import { judgeFmt, parseFmtCheckedFiles, parseFmtShortOutput, parseIgnoredOptions } from './fmt';

describe('parseFmtShortOutput', () => {
  it('lists the files rustfmt printed, relative to the workspace root, sorted and unique', () => {
    const stdout = '/ws/tool/src/main.rs\n/ws/tool/src/sub.rs\n\n/ws/tool/src/main.rs\n';
    expect(parseFmtShortOutput(stdout, '/ws')).toEqual(['tool/src/main.rs', 'tool/src/sub.rs']);
  });
  it('ignores colour codes and blank output', () => {
    expect(parseFmtShortOutput('\u001b[1m/ws/a.rs\u001b[0m\n', '/ws')).toEqual(['a.rs']);
    expect(parseFmtShortOutput('', '/ws')).toEqual([]);
  });
});

// `cargo fmt --check --message-format short -- -v` on stable rustfmt 1.9 with a nightly-only rustfmt.toml.
const VERBOSE_STDOUT = `Using rustfmt config file /ws/f/rustfmt.toml for /ws/f/src/main.rs
Formatting /ws/f/src/a.rs
/ws/f/src/a.rs
Formatting /ws/f/src/main.rs
Spent 0.000 secs in the parsing phase, and 0.004 secs in the formatting phase
`;
const IGNORED_STDERR =
  "Warning: can't set `imports_granularity = Crate`, unstable features are only available in nightly channel.\n" +
  "Warning: can't set `group_imports = StdExternalCrate`, unstable features are only available in nightly channel.\n" +
  "Warning: can't set `imports_granularity = Crate`, unstable features are only available in nightly channel.\n";

describe('rustfmt -v output', () => {
  it('lists only the unformatted files, not the Formatting lines', () => {
    expect(parseFmtShortOutput(VERBOSE_STDOUT, '/ws')).toEqual(['f/src/a.rs']);
  });
  it('counts the checked files', () => {
    expect(parseFmtCheckedFiles(VERBOSE_STDOUT, '/ws')).toEqual(['f/src/a.rs', 'f/src/main.rs']);
  });
  it('records each ignored option once', () => {
    expect(parseIgnoredOptions(IGNORED_STDERR)).toEqual(['imports_granularity = Crate', 'group_imports = StdExternalCrate']);
  });
});

describe('judgeFmt', () => {
  const facts = { exitCode: 0, stderr: IGNORED_STDERR, unformatted: [], checked: ['a.rs', 'main.rs'], ignoredOptions: ['imports_granularity = Crate'] };
  it('passes and says which options rustfmt ignored', () => {
    const outcome = judgeFmt(facts);
    expect(outcome.status).toBe('passed');
    expect(outcome.details).toEqual({ unformatted: [], checked: 2, ignoredOptions: ['imports_granularity = Crate'] });
    expect(outcome.reason).toContain('imports_granularity = Crate');
  });
  it('fails with a count and the first files', () => {
    const many = Array.from({ length: 9 }, (_, i) => `src/f${i}.rs`);
    const outcome = judgeFmt({ ...facts, exitCode: 1, stderr: '', unformatted: many, checked: many, ignoredOptions: [] });
    expect(outcome.status).toBe('failed');
    expect(outcome.reason).toMatch(/^9 of 9 file\(s\) need formatting: src\/f0.rs, .* and 4 more/);
  });
  it('names a missing rustfmt', () => {
    expect(judgeFmt({ ...facts, exitCode: 1, stderr: "error: 'cargo-fmt' is not installed for the toolchain" }).reason).toMatch(/rustup component add rustfmt/);
  });
});
