/**
 * Cargo explains a failure over several lines ("error: ...", "Caused by: ..."). A gate's reason is one line, so
 * this keeps cargo's headline plus its innermost cause, which is usually the actionable part.
 */
const ANSI = /\u001b\[[0-9;]*m/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

export function summarizeCargoError(stderr: string): string {
  const lines = stripAnsi(stderr)
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const headline = lines.find((l) => l.startsWith('error')) ?? lines[lines.length - 1] ?? 'cargo failed without a message';
  const causedAt = lines.lastIndexOf('Caused by:');
  const cause = causedAt >= 0 ? lines[causedAt + 1] : undefined;
  const text = cause && !headline.includes(cause) ? `${headline} (${cause})` : headline;
  return text.replace(/^error(\[\w+\])?:\s*/, '');
}

export const CARGO_NOT_FOUND =
  'cargo was not found on PATH; install Rust (https://rustup.rs) or add ~/.cargo/bin to PATH, then run again';

/**
 * Why `cargo -V` did not answer: rustup's "toolchain '1.80.0-...' is not installed" (a rust-toolchain.toml pin) is
 * not "cargo was not found". Null when the output says nothing we recognise.
 */
export function toolchainProblem(stderr: string): string | null {
  const text = stripAnsi(stderr);
  const missing = /toolchain '([^']+)' is not installed/.exec(text);
  if (missing) {
    return `the Rust toolchain ${missing[1]} (pinned by rust-toolchain.toml, rust-toolchain or RUSTUP_TOOLCHAIN) is not installed; run \`rustup toolchain install ${missing[1]}\` or change the pin`;
  }
  const line = text.split('\n').map((l) => l.trim()).find((l) => /^error/i.test(l));
  return line ? `cargo did not start: ${line.replace(/^error:\s*/i, '')}` : null;
}
