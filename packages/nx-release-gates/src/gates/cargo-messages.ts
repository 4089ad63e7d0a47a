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
  warnings: number;
  errors: number;
  missingDocs: number;
  /** The first error's message, for the gate's reason. */
  firstError: string | null;
}

export function countDiagnostics(messages: CargoMessage[]): DiagnosticCounts {
  const counts: DiagnosticCounts = { warnings: 0, errors: 0, missingDocs: 0, firstError: null };
  for (const m of messages) {
    if (m.reason !== 'compiler-message' || !m.message) continue;
    const { level, code, message } = m.message;
    // rustc's closing lines ("2 warnings emitted", "aborting due to ...") carry no code and no span worth counting.
    if (/^(aborting due to|\d+ warnings? emitted)/.test(message)) continue;
    if (code?.code === 'missing_docs') counts.missingDocs++;
    if (level === 'warning') counts.warnings++;
    if (level === 'error') {
      counts.errors++;
      counts.firstError ??= message;
    }
  }
  return counts;
}

/** Human rendering of the diagnostics, printed after a JSON-format cargo run so the user still sees them. */
export function renderedDiagnostics(messages: CargoMessage[]): string {
  return messages
    .filter((m) => m.reason === 'compiler-message' && m.message?.rendered)
    .map((m) => m.message!.rendered)
    .join('');
}
