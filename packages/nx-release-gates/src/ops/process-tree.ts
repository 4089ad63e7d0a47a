/**
 * A command's whole process tree (cargo, its rustc and build-script children, a nested nx and its tasks), found
 * through /proc on Linux. Children stay in our process group (not detached), so a SIGKILL of the group ends them
 * with us; this lets an interrupted gate end its own children first, deepest last, without a shell.
 */
import * as fs from 'node:fs';

/** The parent of a process, from /proc; null when it is gone or /proc is not there. */
export function parentOf(pid: string | number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 4 (ppid) follows the command name in parentheses, which may itself hold spaces or parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[1]);
  } catch {
    return null;
  }
}

/** `pid` and every process below it; just `pid` where /proc is not there (macOS, Windows). */
export function processTree(pid: number): number[] {
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return [pid];
  }
  const children = new Map<number, number[]>();
  for (const entry of entries) {
    const parent = parentOf(entry);
    if (parent === null) continue;
    const list = children.get(parent) ?? [];
    list.push(Number(entry));
    children.set(parent, list);
  }
  const tree: number[] = [];
  const visit = (p: number) => {
    tree.push(p);
    for (const child of children.get(p) ?? []) visit(child);
  };
  visit(pid);
  return tree;
}

export function signalTree(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  for (const member of processTree(pid)) {
    try {
      process.kill(member, signal);
    } catch {
      // Already gone.
    }
  }
}
