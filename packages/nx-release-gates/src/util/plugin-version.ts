import * as fs from 'node:fs';
import * as path from 'node:path';

/** The installed package's version: part of every cache key, so upgrading the plugin re-reads crates. */
function readVersion(): string {
  for (const candidate of [path.join(__dirname, '..', '..', 'package.json'), path.join(__dirname, '..', 'package.json')]) {
    try {
      const pkg = JSON.parse(fs.readFileSync(candidate, 'utf8'));
      if (pkg.name === 'nx-release-gates') return String(pkg.version);
    } catch {
      // try the next layout (source tree vs built package)
    }
  }
  return '0.0.0-dev';
}

export const PLUGIN_VERSION = readVersion();
