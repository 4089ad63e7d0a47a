import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ProjectGraph } from '@nx/devkit';
import { taskHashes } from './nx-task-hash';

describe('taskHashes', () => {
  it("is one line saying why, never an exception, when the workspace's nx cannot hash", async () => {
    const bare = fs.mkdtempSync(path.join(os.tmpdir(), 'no-nx-'));
    try {
      const answer = await taskHashes(bare, { nodes: {}, dependencies: {} } as ProjectGraph, 'x', ['gate-build']);
      expect(typeof answer).toBe('string');
      expect(answer as string).toMatch(/^Nx's task hasher failed: /);
      expect(answer as string).not.toContain('\n');
    } finally {
      fs.rmSync(bare, { recursive: true, force: true });
    }
  });
});
