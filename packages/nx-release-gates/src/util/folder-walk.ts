/** Walking a folder tree that may hold unreadable folders (permissions, a folder removed meanwhile). */
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Calls `visit` for every entry below `root`, depth first, descending into folders whose names are not in `skipped`
 * (symbolic links are entries, not followed). A folder that cannot be listed is passed over.
 */
export function walkFolders(root: string, skipped: ReadonlySet<string>, visit: (folder: string, entry: fs.Dirent) => void): void {
  const walk = (folder: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(folder, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      visit(folder, entry);
      if (entry.isDirectory() && !skipped.has(entry.name)) walk(path.join(folder, entry.name));
    }
  };
  walk(root);
}
