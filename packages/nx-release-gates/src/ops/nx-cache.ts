/**
 * Nx's local cache, asked one question: does it hold an entry for a task hash, and what did the gate's result in it
 * say. Nx 23 keeps one cache per workspace identity under `~/.nx/<id>/cache` unless `cacheDirectory` (nx.json) or
 * NX_CACHE_DIRECTORY moves it (older layouts: `<workspace>/.nx/cache`); an entry is a folder named by the hash holding
 * the task's outputs. The remote cache is not asked: that would cost a download per failing gate.
 */
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The cache folder the workspace's own Nx reports (its cache-directory module), or null where it cannot be loaded. */
function reportedByNx(workspaceRoot: string): string | null {
  try {
    const nx = createRequire(path.join(workspaceRoot, 'package.json'))('nx/src/utils/cache-directory') as { cacheDir?: unknown };
    return typeof nx.cacheDir === 'string' ? nx.cacheDir : null;
  } catch {
    return null;
  }
}

/** Every folder the local cache may be in, most likely first. */
export function localCacheFolders(
  workspaceRoot: string,
  env: Readonly<Record<string, string | undefined>>,
  home: string = os.homedir(),
  nxReports: (workspaceRoot: string) => string | null = reportedByNx,
): string[] {
  const folders: string[] = [];
  if (env.NX_CACHE_DIRECTORY) folders.push(path.resolve(workspaceRoot, env.NX_CACHE_DIRECTORY));
  const reported = nxReports(workspaceRoot);
  if (reported) folders.push(reported);
  else {
    folders.push(path.join(workspaceRoot, '.nx', 'cache'));
    const shared = path.join(home, '.nx');
    for (const id of fs.existsSync(shared) ? fs.readdirSync(shared).sort() : []) folders.push(path.join(shared, id, 'cache'));
  }
  return [...new Set(folders)];
}

export interface CachedEntry {
  /** The entry's folder. */
  folder: string;
  /** The content of `file` in the entry (the gate's result), or null when the entry holds no such file. */
  content: string | null;
}

/** The first cache folder holding an entry for `hash`, with `file` (workspace-relative) from it. */
export function cachedEntry(folders: readonly string[], hash: string, file: string): CachedEntry | null {
  if (!/^[A-Za-z0-9_-]+$/.test(hash)) return null;
  for (const folder of folders) {
    const entry = path.join(folder, hash);
    if (!fs.statSync(entry, { throwIfNoEntry: false })?.isDirectory()) continue;
    try {
      return { folder: entry, content: fs.readFileSync(path.join(entry, file), 'utf8') };
    } catch {
      return { folder: entry, content: null };
    }
  }
  return null;
}
