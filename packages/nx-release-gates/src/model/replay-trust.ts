/**
 * Whether a gate's replayed outputs were written by a trusted run. A remote cache entry is whatever its writer
 * uploaded: a run of unreviewed code holding a write token (or anyone holding the server) can store a pass for a task
 * hash the release will compute. A trusted writer (a run holding the private ed25519 key) signs what its gate vouches
 * for: the Nx task hash and the SHA-256 of every output file (the result JSON, binaries, junit, ...). The release
 * checks that signature with the public key against its own task hash and the bytes it restored; anything else is not
 * trusted and the gate runs again.
 *
 * Pure: the caller hashes the files and reads the keys (report/result-signature.ts).
 */
import * as crypto from 'node:crypto';

export const SIGNATURE_VERSION = 1;

/** The trusted writer's private key (PEM text, or a file holding it): only runs of reviewed code hold it. */
export const SIGNING_KEY_VARIABLE = 'NX_RELEASE_GATES_SIGNING_KEY';
/** The public key (PEM text, or a file relative to the workspace root) a release verifies replays with. */
export const TRUSTED_KEY_VARIABLE = 'NX_RELEASE_GATES_TRUSTED_KEY';

/** What a signature vouches for. */
export interface Vouched {
  /** The Nx task hash the outputs were computed for. */
  taskHash: string;
  /** SHA-256 (hex) of each output file, by its path relative to the workspace root (posix separators). */
  files: Record<string, string>;
}

/** The signature file a trusted writer leaves beside the gate's result (and Nx caches with it). */
export interface ReplaySignature extends Vouched {
  version: number;
  /** Which key signed (keyId), so a reader can say "another key" rather than only "does not verify". */
  keyId: string;
  /** ed25519 signature (base64) of statementOf(taskHash, files). */
  signature: string;
}

/** What a row says of a gate whose replay was not trusted. */
export const UNTRUSTED_REPLAY = 'replay not signed by a trusted run';

export type ReplayTrust = { trusted: true } | { trusted: false; why: string };

/** The exact bytes signed: one line per fact, files in path order, so writer and reader build the same text. */
export function statementOf(vouched: Vouched): Buffer {
  const files = Object.keys(vouched.files)
    .sort()
    .map((file) => `${vouched.files[file]}  ${file}`);
  return Buffer.from([`nx-release-gates replay signature v${SIGNATURE_VERSION}`, `task ${vouched.taskHash}`, ...files, ''].join('\n'));
}

/** A short, stable name of a public key: the start of the SHA-256 of its SPKI form. */
export function keyIdOf(key: crypto.KeyObject): string {
  const publicKey = key.type === 'private' ? crypto.createPublicKey(key) : key;
  return crypto.createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
}

/** A key from PEM text, checked to be an ed25519 key of the wanted kind; throws one line saying what is wrong. */
export function ed25519KeyFrom(pem: string, kind: 'private' | 'public'): crypto.KeyObject {
  let key: crypto.KeyObject;
  try {
    key = kind === 'private' ? crypto.createPrivateKey(pem) : crypto.createPublicKey(pem);
  } catch (error) {
    throw new Error(`not a PEM ${kind} key (${(error as Error).message})`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`a ${key.asymmetricKeyType ?? 'unknown'} key, not ed25519`);
  return key;
}

export function signVouched(vouched: Vouched, privateKey: crypto.KeyObject): ReplaySignature {
  const signature = crypto.sign(null, statementOf(vouched), privateKey).toString('base64');
  return { version: SIGNATURE_VERSION, keyId: keyIdOf(privateKey), taskHash: vouched.taskHash, files: { ...vouched.files }, signature };
}

function isSignature(value: unknown): value is ReplaySignature {
  const s = value as ReplaySignature;
  return (
    !!s && typeof s === 'object' && s.version === SIGNATURE_VERSION && typeof s.keyId === 'string' && typeof s.taskHash === 'string' &&
    typeof s.signature === 'string' && !!s.files && typeof s.files === 'object'
  );
}

/** The first file whose bytes differ between what was signed and what is on disk, in words. */
function fileDifference(signed: Record<string, string>, onDisk: Record<string, string>): string | null {
  for (const file of Object.keys(onDisk).sort()) {
    if (!(file in signed)) return `${file} is not among the files it signed`;
    if (signed[file] !== onDisk[file]) return `${file} changed after it was signed`;
  }
  for (const file of Object.keys(signed).sort()) if (!(file in onDisk)) return `${file} was signed but is missing`;
  return null;
}

/**
 * Trusted exactly when `signature` verifies with `publicKey` over this run's task hash and the hashes of the files on
 * disk. The other checks only put the failure into words; the signature itself decides.
 */
export function verifyReplay(onDisk: Vouched, signature: unknown, publicKey: crypto.KeyObject): ReplayTrust {
  if (signature === null || signature === undefined) return { trusted: false, why: 'no signature' };
  if (!isSignature(signature)) return { trusted: false, why: 'its signature file is not one this version reads' };
  if (signature.keyId !== keyIdOf(publicKey)) return { trusted: false, why: `signed by another key (${signature.keyId}, trusted: ${keyIdOf(publicKey)})` };
  if (signature.taskHash !== onDisk.taskHash) return { trusted: false, why: `signed for another task hash (${signature.taskHash}, this run's: ${onDisk.taskHash})` };
  const difference = fileDifference(signature.files, onDisk.files);
  if (difference) return { trusted: false, why: difference };
  let valid = false;
  try {
    valid = crypto.verify(null, statementOf(onDisk), publicKey, Buffer.from(signature.signature, 'base64'));
  } catch {
    valid = false;
  }
  return valid ? { trusted: true } : { trusted: false, why: 'its signature does not verify with the trusted key' };
}

/**
 * What runs again when `untrusted` gates' replays are not trusted: those gates and every gate of `gates` that reads
 * their outputs (depends on them, directly or through another), whose verdict a poisoned output could have decided.
 */
export function withDependents(untrusted: readonly string[], gates: readonly string[], dependsOn: (gate: string) => readonly string[]): string[] {
  const rerun = new Set(untrusted);
  let grew = true;
  while (grew) {
    grew = false;
    for (const gate of gates) {
      if (!rerun.has(gate) && dependsOn(gate).some((dependency) => rerun.has(dependency))) {
        rerun.add(gate);
        grew = true;
      }
    }
  }
  return gates.filter((gate) => rerun.has(gate)).concat(untrusted.filter((gate) => !gates.includes(gate)));
}
