/**
 * The files side of replay signatures (the rules are model/replay-trust.ts): which keys this run holds, the hashes of
 * a gate's outputs on disk, and the signature file a trusted writer leaves beside the result, `<target>.signature.json`,
 * which Nx caches and replays with the other outputs.
 *
 * NX_RELEASE_GATES_SIGNING_KEY: the private key (PEM text, or a file holding it) of a trusted writer; only runs of
 * reviewed code get it. NX_RELEASE_GATES_TRUSTED_KEY: the public key (PEM text, or a file, relative to the workspace
 * root) the release verifies replays with. Neither set: nothing is signed or verified.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findGateSpec } from '../model/catalog';
import { ed25519KeyFrom, ReplaySignature, ReplayTrust, SIGNING_KEY_VARIABLE, signVouched, TRUSTED_KEY_VARIABLE, UNTRUSTED_REPLAY, verifyReplay, Vouched } from '../model/replay-trust';
import type { TableRow } from './table';
import { readJsonIfExists, writeFileAtomic } from '../util/files';
import { resultFile, resultFolder } from './result';

export { SIGNING_KEY_VARIABLE, TRUSTED_KEY_VARIABLE };

/** The signature file's name beside the gate's result (also the target's declared output). */
export function signatureName(target: string): string {
  return `${target}.signature.json`;
}

export function signatureFile(workspaceRoot: string, project: string, target: string, targetTriple?: string): string {
  return path.join(workspaceRoot, resultFolder(project, targetTriple), signatureName(target));
}

/**
 * The key a variable names: PEM text, or the path of a file holding it. Null when the variable is unset or empty;
 * throws one line (what, where, how to fix) when it names no usable ed25519 key.
 */
function keyFromVariable(env: Readonly<Record<string, string | undefined>>, name: string, kind: 'private' | 'public', workspaceRoot: string): crypto.KeyObject | null {
  const value = env[name]?.trim();
  if (!value) return null;
  let pem = value;
  let where = name;
  if (!value.startsWith('-----BEGIN')) {
    const file = path.resolve(workspaceRoot, value);
    where = `${name} (${value})`;
    try {
      pem = fs.readFileSync(file, 'utf8');
    } catch (error) {
      throw new Error(`${where}: cannot read the key file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); ${howToFix(name)}`);
    }
  }
  try {
    return ed25519KeyFrom(pem, kind);
  } catch (error) {
    throw new Error(`${where} is ${(error as Error).message}; ${howToFix(name)}`);
  }
}

function howToFix(name: string): string {
  return name === SIGNING_KEY_VARIABLE
    ? `set it to an ed25519 private key in PEM (openssl genpkey -algorithm ed25519), or unset it to sign nothing`
    : `set it to the path of the committed ed25519 public key (openssl pkey -in <private key> -pubout), or unset it to trust every replay`;
}

/** The trusted writer's private key, or null when this run signs nothing. */
export function signingKeyFrom(env: Readonly<Record<string, string | undefined>>, workspaceRoot: string): crypto.KeyObject | null {
  return keyFromVariable(env, SIGNING_KEY_VARIABLE, 'private', workspaceRoot);
}

/** The key replays must be signed with, or null when this run trusts every replay. */
export function trustedKeyFrom(env: Readonly<Record<string, string | undefined>>, workspaceRoot: string): crypto.KeyObject | null {
  return keyFromVariable(env, TRUSTED_KEY_VARIABLE, 'public', workspaceRoot);
}

function hashFile(file: string, stat: fs.Stats): string {
  const hash = crypto.createHash('sha256');
  // A link is vouched for as the link it is: where it points, not what it points to.
  if (stat.isSymbolicLink()) hash.update(`symlink ${fs.readlinkSync(file)}`);
  else hash.update(fs.readFileSync(file));
  return hash.digest('hex');
}

function addTree(workspaceRoot: string, file: string, files: Record<string, string>): void {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(file);
  } catch {
    return;
  }
  if (stat.isDirectory()) {
    for (const entry of fs.readdirSync(file).sort()) addTree(workspaceRoot, path.join(file, entry), files);
    return;
  }
  files[path.relative(workspaceRoot, file).split(path.sep).join('/')] = hashFile(file, stat);
}

/** The gate's outputs a signature vouches for: its result JSON and its extra outputs (binaries, ...). */
function vouchedOutputs(workspaceRoot: string, project: string, target: string, targetTriple?: string): string[] {
  const folder = path.join(workspaceRoot, resultFolder(project, targetTriple));
  return [resultFile(workspaceRoot, project, target, targetTriple), ...(findGateSpec(target)?.extraOutputs ?? []).map((o) => path.join(folder, o))];
}

/** The SHA-256 of every output file of the gate on disk now. */
export function outputHashes(workspaceRoot: string, project: string, target: string, targetTriple?: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const file of vouchedOutputs(workspaceRoot, project, target, targetTriple)) addTree(workspaceRoot, file, files);
  return files;
}

/** Removes a replay no trusted run signed, so nothing after the run (packing a binary, a report) takes it. */
export function removeGateOutputs(workspaceRoot: string, project: string, target: string, targetTriple?: string): void {
  for (const file of [...vouchedOutputs(workspaceRoot, project, target, targetTriple), signatureFile(workspaceRoot, project, target, targetTriple)]) {
    fs.rmSync(file, { recursive: true, force: true });
  }
}

/** Signs the gate's outputs as they are on disk for the task with this hash, beside its result; returns the file. */
export function signGateOutputs(workspaceRoot: string, project: string, target: string, taskHash: string, key: crypto.KeyObject, targetTriple?: string): string {
  const vouched: Vouched = { taskHash, files: outputHashes(workspaceRoot, project, target, targetTriple) };
  const file = signatureFile(workspaceRoot, project, target, targetTriple);
  writeFileAtomic(file, `${JSON.stringify(signVouched(vouched, key), null, 2)}\n`);
  return file;
}

/** Whether the gate's outputs on disk carry a trusted signature for the task with this hash. */
export function verifyGateOutputs(workspaceRoot: string, project: string, target: string, taskHash: string, key: crypto.KeyObject, targetTriple?: string): ReplayTrust {
  const file = signatureFile(workspaceRoot, project, target, targetTriple);
  const signature = fs.existsSync(file) ? (readJsonIfExists<ReplaySignature>(file) ?? { unreadable: true }) : null;
  return verifyReplay({ taskHash, files: outputHashes(workspaceRoot, project, target, targetTriple) }, signature, key);
}

/**
 * A gate's row in a run outside release-dry-run (which runs such gates again itself) that verifies replays: as it is
 * unless Nx replayed it without a trusted signature; then failed, with the replayed outputs removed so nothing after
 * the run (packing a binary) takes them. `key`: the trusted key, or why it could not be read.
 */
export function withReplayChecked(workspaceRoot: string, row: TableRow, task: { hash?: string; targetTriple?: string }, key: crypto.KeyObject | string): TableRow {
  if (row.source !== 'local cache' && row.source !== 'remote cache') return row;
  let trust: ReplayTrust = { trusted: false, why: typeof key === 'string' ? key : 'Nx named no task hash' };
  if (typeof key !== 'string' && task.hash) trust = verifyGateOutputs(workspaceRoot, row.project, row.gate, task.hash, key, task.targetTriple);
  if (trust.trusted) return row;
  removeGateOutputs(workspaceRoot, row.project, row.gate, task.targetTriple);
  const reason = `${UNTRUSTED_REPLAY} (${trust.why}); its outputs were removed: run it again with --skip-nx-cache`;
  return { ...row, status: 'failed', figure: '', checked: null, reason, replayTrust: reason };
}
