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
  const compileError = compileErrorSummary(lines, headline);
  if (compileError) return compileError;
  const own = buildScriptMessage(stderr);
  const causedAt = lines.lastIndexOf('Caused by:');
  const cause = own ?? (causedAt >= 0 ? lines[causedAt + 1] : undefined);
  const text = cause && !headline.includes(cause) ? `${headline} (${cause})` : headline;
  return text.replace(/^error(\[\w+\])?:\s*/, '');
}

/**
 * A rustc diagnostic as cargo prints it names neither the crate nor the place: with cargo's closing "could not
 * compile `tool` (bin "tool")" and the diagnostic's ` --> src/funs.rs:39:5`, the reason says which crate failed where
 * (a fresh resolution breaking the crate's own code reads differently from a dependency that no longer builds).
 */
function compileErrorSummary(lines: string[], headline: string): string | null {
  const crate = lines.map((l) => /^error: could not compile (`[^`]+`(?: \([^)]*\))?)/.exec(l)).find(Boolean)?.[1];
  if (!crate || headline.startsWith('error: could not compile')) return null;
  const at = lines.indexOf(headline);
  const location = lines[at + 1]?.startsWith('--> ') ? ` at ${lines[at + 1].slice(4)}` : '';
  return `could not compile ${crate}: ${headline.replace(/^error(\[\w+\])?:\s*/, '')}${location}`;
}

/** Lines of a build script's stderr that say nothing: backtrace hints and blank padding. */
const NOISE = /^(note: run with `RUST_BACKTRACE|stack backtrace:|warning: build failed, waiting for other jobs)/;

/**
 * What a failed build script said about itself: cargo prints its `--- stderr` section (a panic's message, a missing
 * library, an environment variable to set) under "process didn't exit successfully", which alone names no cause.
 * The panic header is folded into its message; the first few meaningful lines are kept, at most ~200 characters.
 */
export function buildScriptMessage(stderr: string): string | null {
  const lines = stripAnsi(stderr).split('\n');
  const start = lines.findIndex((l) => l.trim() === '--- stderr');
  if (start < 0) return null;
  const own: string[] = [];
  for (const raw of lines.slice(start + 1)) {
    const line = raw.trim();
    // The section ends where cargo's own output resumes at the left margin.
    if (/^(warning|error)(\[\w+\])?:/.test(raw) || /^\s*--- stdout$/.test(raw)) break;
    if (!line || NOISE.test(line)) continue;
    own.push(line.replace(/^thread '[^']*' panicked at (\S+):$/, 'panicked at $1:'));
    if (own.length >= 4) break;
  }
  if (!own.length) return null;
  const text = own.join(' ');
  return text.length > 200 ? `${text.slice(0, 199).trimEnd()}…` : text;
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

/** curl error codes and cargo/HTTP messages that mean "the registry did not answer", not "the crate is wrong". */
const UNREACHABLE = [
  /\[(5|6|7|28|35|52|55|56)\]/, // curl: proxy/host resolution, connect, timeout, TLS connect, empty reply, send/recv
  /could ?n[o']t resolve (host|proxy)/i,
  /could ?n[o']t connect to (server|host)/i,
  /connection refused/i,
  /operation timed out|timed out/i,
  /network is unreachable|no route to host/i,
  /spurious network error/i,
  /failed to get successful HTTP response from .*, got 5\d\d/i,
  /attempting to make an HTTP request, but --offline was specified/i,
  /you're using offline mode/i,
];

/** Whether cargo's stderr says the registry (index or API) could not be reached. */
export function registryUnreachable(stderr: string): boolean {
  const text = stripAnsi(stderr);
  // A compile error of the verify build (a build script that fetches, say) is the crate's failure, not the registry's.
  if (/could not compile|failed to verify package tarball/i.test(text)) return false;
  // Judge cargo's own error chain: from its first `error:` line on, not the build output before it.
  const start = text.search(/^error(\[\w+\])?:/m);
  const chain = start >= 0 ? text.slice(start) : text;
  return UNREACHABLE.some((pattern) => pattern.test(chain));
}
