import { annotationMessage, forWorkflowLog, hasControlCharacter, NEUTRAL_PREFIX, oneLine } from './workflow-text';

/** What the Actions runner would read as a workflow command: a line whose trimmed start is `::`, or `##[` anywhere. */
const commandLines = (text: string) => text.split(/\r\n|\r|\n/).filter((l) => l.trimStart().startsWith('::') || l.includes('##['));

const HOSTILE = 'hotfix\n::error file=x::forged\r::add-mask::secret\n   ::stop-commands::tok\r\n##[set-output name=a;]b\u001b[31mred\u2028::notice::x';

describe('forWorkflowLog', () => {
  it('leaves ordinary text alone', () => {
    expect(forWorkflowLog('✔ crate:gate-build passed: 1 binary\nnext line')).toBe('✔ crate:gate-build passed: 1 binary\nnext line');
  });

  it('keeps the lines of hostile text but none of them can start a workflow command', () => {
    const safe = forWorkflowLog(HOSTILE);
    expect(commandLines(safe)).toEqual([]);
    expect(safe.split('\n')).toContain(`${NEUTRAL_PREFIX}::error file=x::forged`);
    expect(safe.split('\n')).toContain(`${NEUTRAL_PREFIX}   ::stop-commands::tok`);
    // The escape sequence and the Unicode line separator are gone, not passed to the terminal.
    expect(safe).not.toMatch(/[\u001b\u2028]/);
  });
});

describe('oneLine', () => {
  it('turns every run of control characters into one space', () => {
    const line = oneLine(HOSTILE);
    expect(line.split('\n')).toHaveLength(1);
    expect(commandLines(line)).toEqual([]);
    expect(line.startsWith('hotfix ::error')).toBe(true);
  });

  it('neutralises a line that starts a command even without a line break', () => {
    expect(oneLine('::warning::x')).toBe(`${NEUTRAL_PREFIX}::warning::x`);
  });
});

describe('annotationMessage', () => {
  it('escapes what would end the command line, as the runner decodes it', () => {
    expect(annotationMessage('50% done\r\n::error::x ##[add-mask]y')).toBe('50%25 done%0D%0A::error::x # #[add-mask]y');
  });
});

describe('hasControlCharacter', () => {
  it.each([['a\nb'], ['a\rb'], ['tab\there'], ['nul\u0000'], ['esc\u001b['], ['c1\u0085'], ['sep\u2028']])('finds one in %j', (text) => {
    expect(hasControlCharacter(text)).toBe(true);
  });

  it('finds none in plain text with Unicode', () => {
    expect(hasControlCharacter('CVE-2026-1234 hotfix: café, ünïcode ✔')).toBe(false);
  });
});
