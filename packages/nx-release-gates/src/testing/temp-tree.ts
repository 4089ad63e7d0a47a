/** A temporary folder per test, made before each and removed after (real path: macOS's /tmp is a link). */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface TempTree {
  /** The folder of the running test. */
  readonly root: string;
  /** Writes `file` (relative to root, parents made) and returns its absolute path. */
  write(file: string, content?: string): string;
}

export function useTempTree(prefix: string): TempTree {
  let root = '';
  beforeEach(() => {
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));
  return {
    get root() {
      return root;
    },
    write(file, content = '') {
      const full = path.join(root, file);
      fs.mkdirSync(path.dirname(full), { recursive: true });
      fs.writeFileSync(full, content);
      return full;
    },
  };
}
