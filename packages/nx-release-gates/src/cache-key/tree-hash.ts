/** One hash of a folder's files by content, for inputs no Nx file input can reach. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bytesSha256, sha256 } from '../util/hash';

/** Every file below `dir` (but target/ and .git/), as `relative-path sha256` lines, sorted: one hash of the tree. */
export function treeHash(dir: string): string {
  const lines: string[] = [];
  const walk = (folder: string, rel: string) => {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      if (entry.name === 'target' || entry.name === '.git') continue;
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(full, relPath);
      else if (entry.isFile()) lines.push(`${relPath} ${bytesSha256(fs.readFileSync(full))}`);
    }
  };
  if (fs.existsSync(dir)) walk(dir, '');
  else return 'missing';
  return sha256(lines.sort().join('\n'));
}
