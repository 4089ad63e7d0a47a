import type { UserStream } from '../../ops/user-stream';
import { showCombinedTable, TableOutlets } from './combined-table';

/** Where the table went: the task's own output, the user's stream, and whether that stream was closed. */
function outlets(terminal: boolean, direct: boolean) {
  const seen = { printed: [] as string[], user: [] as string[], closed: 0, opened: 0 };
  const stream: UserStream = { direct, terminal: false, write: (l) => void seen.user.push(l), close: () => void seen.closed++ };
  const out: TableOutlets = {
    terminal,
    openUserStdout: () => (seen.opened++, stream),
    print: (t) => void seen.printed.push(t),
  };
  return { out, seen };
}

describe('showCombinedTable', () => {
  const table = 'Release dry run of 2 crates (alpha, beta)\nRelease gates: PASSED';

  it('in a terminal goes with the task’s output, as Nx shows it', () => {
    const { out, seen } = outlets(true, true);
    showCombinedTable(table, out);
    expect(seen.printed).toEqual([`\n${table}\n`]);
    expect(seen.opened).toBe(0);
  });

  const cases: Array<[string, boolean, 'user' | 'printed']> = [
    ['goes only to the user’s stdout pipe (Nx hides successful tasks’ output)', true, 'user'],
    ['goes with the task’s output when no user stream takes it directly (no Nx above the task, a file, a socket)', false, 'printed'],
  ];
  it.each(cases)('without a terminal %s, once, and the stream is closed', (_what, direct, where) => {
    const { out, seen } = outlets(false, direct);
    showCombinedTable(table, out);
    expect({ user: seen.user, printed: seen.printed }).toEqual({ user: [], printed: [], [where]: [`\n${table}\n`] });
    expect(seen.closed).toBe(1);
  });
});
