/** Second checkouts of a workspace's commit, as another machine of a team (or CI) has it, for remote cache tests. */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TestWorkspace } from './workspace';

/** A second checkout of `ws`'s commit in its own folder: git clone, then npm install from the committed lockfile. */
export function cloneOf(ws: TestWorkspace, name: string): TestWorkspace {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `nrg-${name}-`));
  execFileSync('git', ['clone', '--quiet', ws.root, root]);
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd: root, stdio: 'pipe' });
  return new TestWorkspace(root);
}

/** Forgets everything this checkout's Nx cached locally: the cache folder and Nx's cache database. */
export function emptyLocalCache(ws: TestWorkspace): Record<string, string> {
  fs.rmSync(ws.path('.nx'), { recursive: true, force: true });
  return { NX_CACHE_DIRECTORY: ws.path('.nx/test-local-cache') };
}
