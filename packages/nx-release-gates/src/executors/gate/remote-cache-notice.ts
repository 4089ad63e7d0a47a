/**
 * The remote cache check's line (plugin/remote-cache-check.ts), printed by the first gate of the run when the hook ran
 * inside the Nx daemon, whose output reaches no terminal: once per run, whichever gate starts first.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RUN_ID_VARIABLE } from '../../model/freshness';
import { REMOTE_CACHE_NOTICE } from '../../plugin/remote-cache-check';
import { pluginDataDirectory } from '../../util/data-directory';

/** Prints the line when this is the run's first gate to see it; returns whether it printed. Never throws. */
export function announceRemoteCacheOff(workspaceRoot: string, env: NodeJS.ProcessEnv, print: (line: string) => void): boolean {
  const line = env[REMOTE_CACHE_NOTICE];
  const runId = env[RUN_ID_VARIABLE];
  if (!line || !runId || !/^[A-Za-z0-9._-]{1,100}$/.test(runId)) return false;
  try {
    const folder = path.join(pluginDataDirectory(workspaceRoot), 'remote-cache-notices');
    fs.mkdirSync(folder, { recursive: true });
    // Created exclusively: of the gates of one run, only the first one here prints.
    fs.closeSync(fs.openSync(path.join(folder, runId), 'wx'));
  } catch {
    return false;
  }
  print(line);
  return true;
}
