/**
 * Nx runs a runtime input as one shell command (sh, or cmd.exe on Windows) from the workspace root, so nothing the
 * plugin writes into it may ever read as shell syntax: a crate folder named `q$(touch X)` would otherwise run
 * `touch X` while Nx hashes the task. Every runtime input is built here, with one encoding: arguments made only of
 * characters no shell treats specially stay readable; otherwise all of them travel as one base64url argument, which
 * the runtime-input CLI decodes.
 */
import * as path from 'node:path';

const ENCODED = 'b64:';
/**
 * Characters no shell (sh, cmd.exe, PowerShell) treats specially. No `*`: sh would expand `MY_*` against the
 * workspace's files, so a pattern would reach the script as whatever file names happen to match.
 */
const SHELL_SAFE = /^[A-Za-z0-9_./@+=-]+$/;
/** What double quotes do not make literal in some shell: `$` and backticks (sh), `%` and `!` (cmd.exe), `"` and `\`. */
const UNQUOTABLE = /["$`\\%!\r\n]/;

/** The arguments as written when every one is shell-safe, else one `b64:` argument holding them all. */
export function encodeRuntimeArgs(args: readonly string[]): string[] {
  if (args.every((arg) => SHELL_SAFE.test(arg) && !arg.startsWith(ENCODED))) return [...args];
  return [`${ENCODED}${Buffer.from(JSON.stringify(args), 'utf8').toString('base64url')}`];
}

/**
 * The arguments a runtime-input CLI was given, decoded. Never throws (a failing runtime input would stop every Nx
 * run): what does not decode to a list of strings is taken as written.
 */
export function decodeRuntimeArgs(argv: readonly string[]): string[] {
  if (argv.length !== 1 || !argv[0].startsWith(ENCODED)) return [...argv];
  try {
    const decoded: unknown = JSON.parse(Buffer.from(argv[0].slice(ENCODED.length), 'base64url').toString('utf8'));
    if (Array.isArray(decoded) && decoded.every((arg) => typeof arg === 'string')) return decoded;
  } catch {
    // not ours: as written
  }
  return [...argv];
}

/**
 * `node "<script>" <arguments>` for Nx to run from `workspaceRoot`: the script by its path relative to the workspace
 * (two clones in different folders print the same command), in double quotes (pnpm's store paths hold parentheses).
 * A plugin installed where double quotes cannot hold the path is refused with a line saying so, never run.
 */
export function runtimeCommand(workspaceRoot: string, script: string, args: readonly string[]): string {
  const relative = path.relative(workspaceRoot, script).split(path.sep).join('/');
  if (UNQUOTABLE.test(relative)) {
    throw new Error(
      `nx-release-gates is installed at ${relative} (relative to the workspace), whose name holds shell syntax (" $ \` \\ % ! or a line break); Nx runs cache inputs through a shell: install the workspace and its node_modules in folders without them`,
    );
  }
  return ['node', `"${relative}"`, ...encodeRuntimeArgs(args)].join(' ');
}
