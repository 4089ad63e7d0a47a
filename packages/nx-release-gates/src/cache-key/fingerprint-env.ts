/**
 * The fingerprint (fingerprint.ts) as Nx hashes it: computed once per Nx run by the preTasksExecution hook for every
 * crate, and handed to the hash as one variable per fingerprint request, `{ env: NX_RELEASE_GATES_FP_<request> }`.
 * The variable's name holds the request itself (base32 of its arguments, letters and digits only), so whoever reads
 * a target's inputs (the hook, the undeclared-input check) knows what it covers without asking inference again.
 *
 * Nx hashes an unset variable like an empty one. So one more input, shared by every gate of every crate (Nx runs it
 * once per run and task environment), says whether the hook ran and saw the environment the task has: when it did
 * not (a tool that does not call the hook, a task whose own .env files change what the fingerprint reads), it prints
 * a value no other run prints, and the gate runs instead of replaying.
 */
import { randomUUID } from 'node:crypto';
import { fingerprintedVariables } from '../model/env-families';
import { sha256 } from '../util/hash';
import { envValueHash } from './fingerprint';

export const FINGERPRINT_VARIABLE_PREFIX = 'NX_RELEASE_GATES_FP_';
/** Set by the hook beside the fingerprints: what it saw of the environment (FingerprintCheck, as JSON). */
export const FINGERPRINT_CHECK_VARIABLE = 'NX_RELEASE_GATES_FINGERPRINTED';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32(bytes: Buffer): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return bits > 0 ? out + BASE32[(value << (5 - bits)) & 31] : out;
}

function unbase32(text: string): Buffer | null {
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (const char of text) {
    const digit = BASE32.indexOf(char);
    if (digit < 0) return null;
    value = ((value << 5) | digit) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(bytes);
}

/** The variable that carries the fingerprint of one request (fingerprintArgList's arguments). */
export function fingerprintVariable(args: readonly string[]): string {
  return `${FINGERPRINT_VARIABLE_PREFIX}${base32(Buffer.from(JSON.stringify(args), 'utf8'))}`;
}

/** The request a fingerprint variable's name holds, or null for any other name. */
export function fingerprintVariableArgs(name: string): string[] | null {
  if (!name.startsWith(FINGERPRINT_VARIABLE_PREFIX)) return null;
  const bytes = unbase32(name.slice(FINGERPRINT_VARIABLE_PREFIX.length));
  try {
    const args: unknown = bytes ? JSON.parse(bytes.toString('utf8')) : null;
    return Array.isArray(args) && args.every((a) => typeof a === 'string') ? args : null;
  } catch {
    return null;
  }
}

/**
 * The variables outside the hashed families that decide what the fingerprint finds: where programs, the cargo and
 * rustup homes, user configuration and the CUDA toolkit are.
 */
export const LOCATING_VARIABLES: readonly string[] = ['PATH', 'Path', 'HOME', 'USERPROFILE', 'APPDATA', 'XDG_CONFIG_HOME', 'CARGO_HOME', 'RUSTUP_HOME', 'RUSTUP_TOOLCHAIN', 'CUDA_PATH', 'CUDA_HOME'];

/** What the hook saw: a digest of the variables the fingerprints read, and the patterns and names that select them. */
export interface FingerprintCheck {
  digest: string;
  patterns: string[];
  names: string[];
}

/** The digest of the variables the fingerprints read: the hashed families (with `patterns`), the locating ones, `names`. */
export function environmentDigest(env: Readonly<Record<string, string | undefined>>, patterns: readonly string[], names: readonly string[]): string {
  const all = new Set([...LOCATING_VARIABLES, ...names, ...fingerprintedVariables(env, patterns).map(([name]) => name)]);
  const lines = [...all].sort().map((name) => `${name} ${env[name] === undefined ? 'unset' : envValueHash(name, env[name] as string)}`);
  return sha256(lines.join('\n'));
}

export function fingerprintCheck(env: Readonly<Record<string, string | undefined>>, patterns: readonly string[], names: readonly string[]): string {
  const sortedPatterns = [...new Set(patterns)].sort();
  const sortedNames = [...new Set(names)].sort();
  const check: FingerprintCheck = { digest: environmentDigest(env, sortedPatterns, sortedNames), patterns: sortedPatterns, names: sortedNames };
  return JSON.stringify(check);
}

function parseCheck(text: string | undefined): FingerprintCheck | null {
  if (!text) return null;
  try {
    const check = JSON.parse(text) as FingerprintCheck;
    const strings = (v: unknown) => Array.isArray(v) && v.every((s) => typeof s === 'string');
    return typeof check.digest === 'string' && strings(check.patterns) && strings(check.names) ? check : null;
  } catch {
    return null;
  }
}

/**
 * The line the shared input prints for a task's environment: the same line in every run where the hook computed the
 * fingerprints from this environment, a line no other run prints otherwise.
 */
export function fingerprintGuardLine(env: Readonly<Record<string, string | undefined>>, unique: () => string = randomUUID): string {
  const check = parseCheck(env[FINGERPRINT_CHECK_VARIABLE]);
  if (!check) return `fingerprints: not computed for this run ${unique()}`;
  if (environmentDigest(env, check.patterns, check.names) !== check.digest) return `fingerprints: computed for another environment ${unique()}`;
  return 'fingerprints: computed once for this run';
}
