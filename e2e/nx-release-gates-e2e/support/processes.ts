/** What is still running in a test workspace, and waiting for it: for the interruption tests. */
import * as fs from 'node:fs';

/** Processes whose command line or working directory is inside the workspace (cargo, rustc, build scripts, nx). */
export function processesIn(root: string): string[] {
  const found: string[] = [];
  for (const pid of fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      let cwd = '';
      try {
        cwd = fs.readlinkSync(`/proc/${pid}/cwd`);
      } catch {
        // gone or not ours
      }
      if (cmd.includes(root) || cwd.startsWith(root)) found.push(`${pid} ${cmd.trim()}`);
    } catch {
      // gone
    }
  }
  return found;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitFor(what: string, check: () => boolean, timeoutMs = 240_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

/** The built build script of the crate is running (cargo is building). */
export const buildScriptRunning = (root: string) => () => processesIn(root).some((p) => /build-script-build/.test(p));
