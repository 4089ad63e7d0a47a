/**
 * Builds the plugin and packs it once per test run, as a user gets it. Each test workspace then installs this
 * tarball with npm (the path travels in NX_RELEASE_GATES_TARBALL). A tarball given from outside is used as is.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export default async function globalSetup(): Promise<void> {
  if (process.env.NX_RELEASE_GATES_TARBALL && fs.existsSync(process.env.NX_RELEASE_GATES_TARBALL)) return;
  const repo = path.resolve(__dirname, '..', '..', '..');
  // Built inside the repository (tmp/ is ignored) so the build can load the repository's dependencies.
  fs.mkdirSync(path.join(repo, 'tmp'), { recursive: true });
  const out = fs.mkdtempSync(path.join(repo, 'tmp', 'e2e-package-'));
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'nx-release-gates-pack-'));
  execFileSync(process.execPath, [path.join(repo, 'tools', 'build.mjs')], { env: { ...process.env, NX_RELEASE_GATES_OUT: out }, stdio: 'inherit' });
  const name = execFileSync('npm', ['pack', '--pack-destination', stage], { cwd: out, encoding: 'utf8' }).trim().split('\n').pop()!;
  process.env.NX_RELEASE_GATES_TARBALL = path.join(stage, name);
}
