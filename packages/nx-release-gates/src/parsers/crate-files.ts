/**
 * What a .crate holds, file by file: each file's sha256 and size, and the archive's own sha256 (the registry index's
 * `cksum`). gate-package records this as the package it verified; the publish step compares a package made again
 * with it before uploading.
 */
import type { PackagedFile, VerifiedPackage } from '../model/verified-package';
import { tarFiles } from './tar-entries';
import { bytesSha256 } from '../util/hash';

/** The files inside the .crate of `name@version`, relative to the crate folder, in archive order. */
export function packagedFiles(crate: Buffer, name: string, version: string): PackagedFile[] {
  const prefix = `${name}-${version}/`;
  return tarFiles(crate).map((f) => ({ path: f.name.startsWith(prefix) ? f.name.slice(prefix.length) : f.name, sha256: bytesSha256(f.data), bytes: f.data.length }));
}

export function verifiedPackage(crate: Buffer, name: string, version: string): VerifiedPackage {
  return { cksum: bytesSha256(crate), bytes: crate.length, files: packagedFiles(crate, name, version) };
}
