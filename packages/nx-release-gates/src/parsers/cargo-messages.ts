/**
 * Reading cargo's `--message-format=json` stream: artifacts (where binaries were written) and diagnostics
 * (warnings and errors with their lint codes), instead of grepping coloured text.
 */
export interface CargoMessage {
  reason: string;
  /** `path+file:///...#0.1.0` for local packages, `registry+...` / `git+...` for the others. */
  package_id?: string;
  manifest_path?: string;
  target?: { kind: string[]; name: string; src_path?: string };
  /** build-script-executed: the script's OUT_DIR; its `output` file (rerun-if lines) sits beside it. */
  out_dir?: string;
  /** build-script-executed: the variables the script set for the package's rustc (`cargo:rustc-env=NAME=VALUE`). */
  env?: Array<[string, string]>;
  executable?: string | null;
  filenames?: string[];
  message?: { level: string; message: string; code?: { code: string } | null; rendered?: string | null };
}

export function parseCargoMessages(stdout: string): CargoMessage[] {
  const messages: CargoMessage[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      messages.push(JSON.parse(line) as CargoMessage);
    } catch {
      // Not a cargo message (a build script may print JSON-looking text).
    }
  }
  return messages;
}

/** Executables cargo built for the package whose manifest is `manifestPath`. */
export function builtExecutables(messages: CargoMessage[], manifestPath: string): Array<{ name: string; path: string }> {
  return messages
    .filter((m) => m.reason === 'compiler-artifact' && m.manifest_path === manifestPath && m.target?.kind.includes('bin') && m.executable)
    .map((m) => ({ name: m.target!.name, path: m.executable! }));
}

export interface DiagnosticCounts {
  /** Warnings other than missing_docs. */
  warnings: number;
  /** Errors other than missing_docs. */
  errors: number;
  /** missing_docs diagnostics at any level (warned or denied), each counted here only. */
  missingDocs: number;
  /** The first error's message (a denied missing_docs included), for the gate's reason. */
  firstError: string | null;
}

/**
 * Each diagnostic once, in exactly one bucket: an undocumented item is not also a warning. The same diagnostic
 * reported twice (cargo documents a lib and a bin that share a module) counts once.
 */
export function countDiagnostics(messages: CargoMessage[]): DiagnosticCounts {
  const counts: DiagnosticCounts = { warnings: 0, errors: 0, missingDocs: 0, firstError: null };
  const seen = new Set<string>();
  for (const m of messages) {
    if (m.reason !== 'compiler-message' || !m.message) continue;
    const { level, code, message } = m.message;
    // rustc's closing lines ("2 warnings emitted", "aborting due to ...") carry no code and no span worth counting.
    if (/^(aborting due to|\d+ warnings? emitted)/.test(message)) continue;
    const key = `${level}\0${message}\0${m.message.rendered ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (level === 'error') counts.firstError ??= message;
    if (code?.code === 'missing_docs') counts.missingDocs++;
    else if (level === 'warning') counts.warnings++;
    else if (level === 'error') counts.errors++;
  }
  return counts;
}

/** Targets of the package whose manifest is `manifestPath` that cargo finished (built or documented). */
export function packageArtifacts(messages: CargoMessage[], manifestPath: string): Array<{ name: string; kind: string[] }> {
  return messages
    .filter((m) => m.reason === 'compiler-artifact' && m.manifest_path === manifestPath && m.target)
    .map((m) => ({ name: m.target!.name, kind: m.target!.kind }));
}

/** Human rendering of the diagnostics, printed after a JSON-format cargo run so the user still sees them. */
export function renderedDiagnostics(messages: CargoMessage[]): string {
  return messages
    .filter((m) => m.reason === 'compiler-message' && m.message?.rendered)
    .map((m) => m.message!.rendered)
    .join('');
}
