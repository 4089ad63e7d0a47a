import * as tty from 'node:tty';
import { isNxProcess, openUserStream, outermostNx } from './user-stream';

const cmd = (line: string) => line.split(' ');

describe('the Nx command the user started, above an executor', () => {
  // An executor under `npx nx run beta:release-dry-run` in a terminal, nearest ancestor first.
  const chain = [
    { pid: 40, args: cmd('node /ws/node_modules/nx/dist/src/tasks-runner/fork.js /tmp/.nx/fp1.sock beta:release-dry-run') },
    { pid: 39, args: ['sh', '-c', 'node /ws/node_modules/nx/dist/src/tasks-runner/fork.js /tmp/.nx/fp1.sock beta:release-dry-run'] },
    { pid: 30, args: cmd('node /ws/node_modules/.bin/nx run beta:release-dry-run') },
    { pid: 29, args: ['sh', '-c', 'nx run beta:release-dry-run'] },
    { pid: 28, args: cmd('npm exec nx run beta:release-dry-run') },
    { pid: 2, args: ['bash'] },
  ];

  it('is the outermost of the unbroken run of Nx processes (its fork, its sh wrapper, the CLI), not npx around it', () => {
    expect(outermostNx(chain)).toBe(30);
  });

  it('is found started directly, and not at all when the executor does not run under Nx', () => {
    expect(outermostNx([{ pid: 7, args: cmd('/usr/bin/node /ws/node_modules/nx/bin/nx.js run beta:release-dry-run') }, { pid: 6, args: ['bash'] }])).toBe(7);
    expect(outermostNx([{ pid: 5, args: cmd('node /ws/node_modules/jest/bin/jest.js') }, ...chain])).toBeNull();
    expect(outermostNx([])).toBeNull();
  });

  it('tells Nx processes by their scripts, not by a word in an argument', () => {
    expect(isNxProcess(cmd('/usr/bin/node /ws/node_modules/nx/dist/bin/run-executor.js'))).toBe(true);
    expect(isNxProcess(cmd('cargo build --package nx'))).toBe(false);
    expect(isNxProcess(cmd('node /ws/node_modules/.bin/nxx run'))).toBe(false);
  });
});

describe('openUserStream', () => {
  it('under a process that is not Nx (this test runner) is this process’s own stream, and says so', () => {
    for (const which of ['stdout', 'stderr'] as const) {
      const stream = openUserStream(which);
      expect(stream.direct).toBe(false);
      expect(stream.terminal).toBe(tty.isatty(which === 'stdout' ? 1 : 2));
      stream.close();
    }
  });
});
