import { spawn } from 'node:child_process';
import { processTree, signalTree } from './process-tree';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('processTree', () => {
  it('finds a child and its grandchild, and signalTree ends them all', async () => {
    const child = spawn('sh', ['-c', 'sleep 30 & wait'], { stdio: 'ignore' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const tree = processTree(child.pid!);
    expect(tree[0]).toBe(child.pid);
    expect(tree.length).toBeGreaterThanOrEqual(2);
    signalTree(child.pid, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const pid of tree) expect(alive(pid) && !isZombie(pid)).toBe(false);
  });
});

function isZombie(pid: number): boolean {
  try {
    return /\) Z /.test(require('node:fs').readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}
