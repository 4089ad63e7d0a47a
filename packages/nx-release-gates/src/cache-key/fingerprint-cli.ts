/**
 * Runtime cache input of every gate (Nx runs it from the workspace root before hashing):
 * `node <this script> <crate root> [--env PATTERN]... [--tree PATH]...`, encoded as runtime-args.ts does. Prints
 * what cargo reads for the crate that no Nx file input sees (fingerprint.ts). It never fails, whatever is missing: a
 * failing runtime input would stop every Nx run in the workspace, so a probe that cannot run prints `none` and an
 * unreadable file prints `unreadable`.
 */
import { fingerprintLines, parseFingerprintArgs } from './fingerprint';

fingerprintLines({ workspaceRoot: process.cwd(), env: process.env, ...parseFingerprintArgs(process.argv.slice(2)) })
  .then((lines) => process.stdout.write(`${lines.join('\n')}\n`))
  .catch((error: NodeJS.ErrnoException) => process.stdout.write(`unreadable: ${error.code ?? error.name}\n`));
