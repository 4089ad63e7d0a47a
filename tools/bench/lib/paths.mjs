// Where the benchmark's inputs are, and the Nx version every benchmark workspace installs.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const REPO = path.resolve(BENCH, '..', '..');
export const FIXTURE = path.join(BENCH, 'fixtures', 'textlab');
export const SCRIPT = path.join(BENCH, 'original-release.sh');
export const EXAMPLE = path.join(REPO, 'examples', 'release-gates-demo');
export const NX_VERSION = '23.2.1';
