import { parseFmtShortOutput } from './fmt';

describe('parseFmtShortOutput', () => {
  it('lists the files rustfmt printed, relative to the workspace root, sorted and unique', () => {
    const stdout = '/ws/tool/src/main.rs\n/ws/tool/src/sub.rs\n\n/ws/tool/src/main.rs\n';
    expect(parseFmtShortOutput(stdout, '/ws')).toEqual(['tool/src/main.rs', 'tool/src/sub.rs']);
  });
  it('ignores colour codes and blank output', () => {
    expect(parseFmtShortOutput('\u001b[1m/ws/a.rs\u001b[0m\n', '/ws')).toEqual(['a.rs']);
    expect(parseFmtShortOutput('', '/ws')).toEqual([]);
  });
});
