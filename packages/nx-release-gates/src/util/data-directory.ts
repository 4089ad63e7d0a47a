import * as path from 'node:path';

/**
 * Where Nx keeps workspace data (`.nx/workspace-data` unless NX_WORKSPACE_DATA_DIRECTORY moves it). The plugin keeps
 * its inference cache there so `nx reset` clears it. Computed here because devkit only exposes it internally.
 */
export function pluginDataDirectory(workspaceRoot: string): string {
  const base = process.env.NX_WORKSPACE_DATA_DIRECTORY
    ? path.resolve(workspaceRoot, process.env.NX_WORKSPACE_DATA_DIRECTORY)
    : path.join(workspaceRoot, '.nx', 'workspace-data');
  return path.join(base, 'nx-release-gates');
}
