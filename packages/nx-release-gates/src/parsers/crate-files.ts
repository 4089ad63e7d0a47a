/**
 * What a .crate holds, file by file: each file's sha256 and size, and the archive's own sha256 (the registry index's
 * `cksum`). gate-package records this as the package it verified; the publish step compares a package made again
 * with it before uploading.
 */
import { createHash } from 'node:crypto';
import type { PackagedFile, VerifiedPackage } from '../model/verified-package';
import { tarFiles } from './tar-entries';

const sha256Hex = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** The files inside the .crate of `name@version`, relative to the crate folder, in archive order. */
export function packagedFiles(crate: Buffer, name: string, version: string): PackagedFile[] {
  const prefix = `${name}-${version}/`;
  return tarFiles(crate).map((f) => ({ path: f.name.startsWith(prefix) ? f.name.slice(prefix.length) : f.name, sha256: sha256Hex(f.data), bytes: f.data.length }));
}

export function verifiedPackage(crate: Buffer, name: string, version: string): VerifiedPackage {
  return { cksum: sha256Hex(crate), bytes: crate.length, files: packagedFiles(crate, name, version) };
}
