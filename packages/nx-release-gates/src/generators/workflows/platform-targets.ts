/**
 * The platform matrix of the generated workflows: Rust target triples, each with the runner that builds it and
 * whether that runner can run what it built (then gate-test runs there too). The private dry run builds every
 * target, so a platform-specific failure shows before the tag; the release builds the same matrix and ships each
 * target's gated binaries.
 */
export interface PlatformTarget {
  /** Rust target triple, e.g. `aarch64-apple-darwin`. */
  target: string;
  /** Runner labels of the job building it. */
  runsOn: string[];
  /** The runner can execute the target's binaries: gate-test runs on it. */
  test: boolean;
}

/** What a user writes: a triple of the default table, or a full entry. */
export type PlatformTargetOption = string | { target: string; runsOn: string | string[]; test?: boolean };

/**
 * GitHub-hosted runners, each building its own platform natively, except x86_64-apple-darwin: GitHub's macOS runners
 * are Apple silicon, which builds Intel binaries with the same toolchain but does not promise to run them.
 */
export const DEFAULT_PLATFORM_TARGETS: readonly PlatformTarget[] = [
  { target: 'x86_64-unknown-linux-gnu', runsOn: ['ubuntu-latest'], test: true },
  { target: 'aarch64-unknown-linux-gnu', runsOn: ['ubuntu-24.04-arm'], test: true },
  { target: 'x86_64-apple-darwin', runsOn: ['macos-latest'], test: false },
  { target: 'aarch64-apple-darwin', runsOn: ['macos-latest'], test: true },
  { target: 'x86_64-pc-windows-msvc', runsOn: ['windows-latest'], test: true },
];

/** arch-vendor-os[-env]: letters, digits, `_`, `.` and `-`, at least three parts. */
const TRIPLE = /^[a-z0-9_.]+(?:-[a-z0-9_.]+){2,3}$/;

/** Normalises the option, or returns the one-line reason it is refused. */
export function platformTargets(option: unknown, checkLabel: (name: string, label: string) => string): PlatformTarget[] | string {
  if (option === undefined) return DEFAULT_PLATFORM_TARGETS.map((t) => ({ ...t, runsOn: [...t.runsOn] }));
  if (!Array.isArray(option) || option.length === 0) {
    return 'targets must be a non-empty list of target triples (from the default table) or { "target", "runsOn", "test" } entries';
  }
  const seen = new Set<string>();
  const result: PlatformTarget[] = [];
  for (const entry of option as unknown[]) {
    let target: PlatformTarget;
    if (typeof entry === 'string') {
      const known = DEFAULT_PLATFORM_TARGETS.find((t) => t.target === entry);
      if (!known) {
        return `targets: ${JSON.stringify(entry)} is not in the default table (${DEFAULT_PLATFORM_TARGETS.map((t) => t.target).join(', ')}); give it as { "target": ${JSON.stringify(entry)}, "runsOn": "<runner label>" }`;
      }
      target = { ...known, runsOn: [...known.runsOn] };
    } else if (entry && typeof entry === 'object' && typeof (entry as any).target === 'string') {
      const e = entry as { target: string; runsOn?: unknown; test?: unknown };
      const labels = typeof e.runsOn === 'string' ? [e.runsOn] : e.runsOn;
      if (!Array.isArray(labels) || labels.length === 0 || labels.some((l) => typeof l !== 'string' || !l.trim())) {
        return `targets: ${e.target} needs "runsOn": the runner label (or labels) that builds it`;
      }
      if (e.test !== undefined && typeof e.test !== 'boolean') return `targets: ${e.target} "test" must be true or false`;
      target = { target: e.target, runsOn: labels.map((l: string) => l.trim()), test: e.test === true };
    } else {
      return `targets: entry ${JSON.stringify(entry)} is neither a target triple nor { "target", "runsOn", "test" }`;
    }
    if (!TRIPLE.test(target.target)) return `targets: ${JSON.stringify(target.target)} is not a Rust target triple (e.g. x86_64-unknown-linux-gnu)`;
    if (seen.has(target.target)) return `targets: ${target.target} is listed twice`;
    seen.add(target.target);
    try {
      target.runsOn = target.runsOn.map((l) => checkLabel(`targets ${target.target} runsOn label`, l));
    } catch (error) {
      return (error as Error).message;
    }
    result.push(target);
  }
  return result;
}
