/**
 * Runtime cache input shared by every gate (fingerprint-env.ts): `node <this script>`, one command for the whole
 * workspace, so Nx runs it once per run and task environment. Prints whether the fingerprints the gates hash were
 * computed for this run and this environment; never fails (a failing runtime input would stop every Nx run).
 */
import { fingerprintGuardLine } from './fingerprint-env';

try {
  process.stdout.write(`${fingerprintGuardLine(process.env)}\n`);
} catch (error) {
  process.stdout.write(`fingerprints: unreadable ${(error as Error).name} ${Date.now()} ${Math.random()}\n`);
}
