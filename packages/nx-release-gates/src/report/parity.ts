/**
 * Parity of two runs: each difference between their fingerprints that explains why a gate result computed by one
 * would not be shared with the other (a different cache key), or why a shared one would mean something else. Pure:
 * two reports in, a list of differences out; the release-parity executor reads the files and prints.
 */
import { RunFingerprint } from './fingerprint';
import type { ReleaseReport } from './release-report';

export interface ParityDifference {
  /** What differs, e.g. `rustc`, `env RUSTFLAGS`. */
  field: string;
  here: string;
  there: string;
  /** Why this difference keeps results from being shared. */
  why: string;
}

const show = (value: unknown): string => (value === null || value === undefined ? 'none' : String(value));
const shortHash = (hash: string | null | undefined): string => (hash ? `set (sha256 ${hash.slice(0, 12)})` : 'unset');
const featureText = (f: RunFingerprint['features'] | undefined): string =>
  f ? `${f.features.length ? f.features.join(',') : '(default)'}${f.noDefaultFeatures ? ' --no-default-features' : ''}` : 'unknown';
const emergencyText = (e: RunFingerprint['emergency'] | undefined): string => (e ? `${e.gates.join(',')} (${e.reason})` : 'none');

const cudaMode = (f: Partial<RunFingerprint>): string | undefined => (f.cuda && 'mode' in f.cuda ? show(f.cuda.mode) : undefined);

/** Fields absent from one side (another plugin version's report) are not compared: unknown is not a difference. */
export function compareFingerprints(here: Partial<RunFingerprint>, there: Partial<RunFingerprint>): ParityDifference[] {
  const differences: ParityDifference[] = [];
  const check = (field: string, a: string | undefined, b: string | undefined, why: string) => {
    if (a !== undefined && b !== undefined && a !== b) differences.push({ field, here: a, there: b, why });
  };
  const known = <T>(side: Partial<RunFingerprint>, key: keyof RunFingerprint, text: (v: T) => string) =>
    key in side ? text(side[key] as T) : undefined;

  check('commit', known(here, 'commit', show), known(there, 'commit', show), 'another commit: the crate sources may differ, so every gate has another cache key');
  check('rustc', known(here, 'rustc', show), known(there, 'rustc', show), 'another compiler: the toolchain is part of every gate\'s cache key, and its output differs');
  check('cargo', known(here, 'cargo', show), known(there, 'cargo', show), 'another cargo: part of every gate\'s cache key');
  check('host', known(here, 'host', show), known(there, 'host', show), 'another host triple: binaries and test results are per platform');
  check('target', known(here, 'target', show), known(there, 'target', show), 'another target triple: the release build produces other binaries');
  check('features', known(here, 'features', featureText), known(there, 'features', featureText), 'other release features: gate-build, gate-size, gate-package and gate-publish build something else');
  check('CUDA mode', cudaMode(here), cudaMode(there), 'gate-cuda built with CUDA on one side and the CPU fallback on the other');
  check('CUDA toolkit', here.cuda ? show(here.cuda.toolkit) : undefined, there.cuda ? show(there.cuda.toolkit) : undefined, 'another CUDA toolkit (or none): part of every gate\'s cache key, so a CPU-fallback pass never replays where nvcc exists');
  check('Cargo.lock', known(here, 'lockfileSha256', show), known(there, 'lockfileSha256', show), 'another Cargo.lock: the gates of crates whose dependencies changed re-run');
  check('emergency skip', known(here, 'emergency', emergencyText), known(there, 'emergency', emergencyText), 'the emergency skip list is an input of every gate: a skipped result never replays into a normal run');
  if (here.files && there.files) {
    // `config: <place> <sha256>`: the place names the file, the hash its content; one missing on a side is absent there.
    const byPlace = (lines: string[]) => new Map(lines.map((l) => [l.slice(0, l.lastIndexOf(' ')), l.slice(l.lastIndexOf(' ') + 1)] as const));
    const a = byPlace(here.files);
    const b = byPlace(there.files);
    for (const place of [...new Set([...a.keys(), ...b.keys()])].sort()) {
      const shown = (hash: string | undefined) => (hash ? `sha256 ${hash.slice(0, 12)}` : 'absent');
      check(place, shown(a.get(place)), shown(b.get(place)), 'a file cargo reads (cargo config, the rustup toolchain pin, a path dependency outside the workspace) differs: it is in every gate\'s cache key');
    }
  }
  if (here.env && there.env) {
    for (const name of [...new Set([...Object.keys(here.env), ...Object.keys(there.env)])].sort()) {
      // A report lists the variables that were set: one missing on a side was unset there.
      check(`env ${name}`, shortHash(here.env[name] ?? null), shortHash(there.env[name] ?? null), `${name} is a cache input of the gates that run cargo: its value differs (values are compared by hash, never shown)`);
    }
  }
  return differences;
}

export function compareReports(here: Pick<ReleaseReport, 'fingerprint'>, there: Pick<ReleaseReport, 'fingerprint'>): ParityDifference[] {
  return compareFingerprints(here.fingerprint, there.fingerprint);
}
