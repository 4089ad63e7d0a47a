import { EmergencySkipError, expiryNote, readEmergencySkip, SKIP_REASON_VARIABLE, SKIP_VARIABLE } from './emergency';

const KNOWN = ['gate-build', 'gate-cuda', 'gate-package', 'gate-size', 'gate-test', 'gate-doc'];

function refusal(env: NodeJS.ProcessEnv): string {
  try {
    readEmergencySkip(env, KNOWN);
  } catch (error) {
    expect(error).toBeInstanceOf(EmergencySkipError);
    return (error as Error).message;
  }
  throw new Error('expected the skip to be refused');
}

describe('readEmergencySkip', () => {
  it('uses the documented variable names', () => {
    expect(SKIP_VARIABLE).toBe('RELEASE_GATES_SKIP');
    expect(SKIP_REASON_VARIABLE).toBe('RELEASE_GATES_SKIP_REASON');
  });

  it('returns null when no skip is asked for', () => {
    expect(readEmergencySkip({}, KNOWN)).toBeNull();
    expect(readEmergencySkip({ RELEASE_GATES_SKIP: '   ' }, KNOWN)).toBeNull();
    expect(readEmergencySkip({ PATH: '/usr/bin' }, KNOWN)).toBeNull();
  });

  it('returns the gates and the trimmed reason', () => {
    expect(readEmergencySkip({ RELEASE_GATES_SKIP: 'gate-doc,gate-cuda', RELEASE_GATES_SKIP_REASON: '  CVE-2026-1234 hotfix ' }, KNOWN)).toEqual({
      gates: ['gate-doc', 'gate-cuda'],
      reason: 'CVE-2026-1234 hotfix',
      until: null,
    });
  });

  it('normalises bare names, spaces, empty entries and duplicates', () => {
    expect(readEmergencySkip({ RELEASE_GATES_SKIP: ' doc , gate-cuda,,cuda, doc ', RELEASE_GATES_SKIP_REASON: 'hotfix' }, KNOWN)).toEqual({
      gates: ['gate-doc', 'gate-cuda'],
      reason: 'hotfix',
      until: null,
    });
  });

  it('refuses a skip without a reason, naming the reason variable', () => {
    const message = refusal({ RELEASE_GATES_SKIP: 'gate-doc' });
    expect(message).toContain('RELEASE_GATES_SKIP=gate-doc refused');
    expect(message).toContain('RELEASE_GATES_SKIP_REASON');
    expect(refusal({ RELEASE_GATES_SKIP: 'doc', RELEASE_GATES_SKIP_REASON: '   ' })).toContain('needs a reason');
  });

  it('refuses unknown gates and lists the known ones', () => {
    const message = refusal({ RELEASE_GATES_SKIP: 'gate-doc,lint,gate-fuzz', RELEASE_GATES_SKIP_REASON: 'hotfix' });
    expect(message).toContain('unknown gate(s) gate-lint, gate-fuzz');
    expect(message).toContain(`known gates: ${KNOWN.join(', ')}`);
    expect(message).not.toContain('gate-doc,');
  });

  it('refuses a reason without gates', () => {
    expect(refusal({ RELEASE_GATES_SKIP_REASON: 'hotfix' })).toContain('names no gate');
  });

  it.each([
    ['a reason with a line break and a workflow command', { RELEASE_GATES_SKIP: 'gate-doc', RELEASE_GATES_SKIP_REASON: 'hotfix\n::error::forged' }, 'RELEASE_GATES_SKIP_REASON', 7],
    ['a reason with a carriage return', { RELEASE_GATES_SKIP: 'gate-doc', RELEASE_GATES_SKIP_REASON: 'x\r::add-mask::y' }, 'RELEASE_GATES_SKIP_REASON', 2],
    ['a gate list with a line break', { RELEASE_GATES_SKIP: 'gate-doc\nemergency=false', RELEASE_GATES_SKIP_REASON: 'hotfix' }, 'RELEASE_GATES_SKIP', 9],
    ['a reason with an escape sequence', { RELEASE_GATES_SKIP: 'gate-doc', RELEASE_GATES_SKIP_REASON: '\u001b[2Jhotfix' }, 'RELEASE_GATES_SKIP_REASON', 1],
  ])('refuses %s in one line that does not repeat the value', (_name, env, variable, position) => {
    const message = refusal(env);
    expect(message.split('\n')).toHaveLength(1);
    expect(message.startsWith(`${variable} holds a line break or control character (character ${position})`)).toBe(true);
    expect(message).not.toMatch(/forged|add-mask|emergency=false/);
  });

  describe('RELEASE_GATES_SKIP_UNTIL', () => {
    const skip = { RELEASE_GATES_SKIP: 'gate-doc', RELEASE_GATES_SKIP_REASON: 'hotfix' };
    const on = (day: string) => new Date(`${day}T12:00:00Z`);

    it('keeps a skip up to and including its last day', () => {
      expect(readEmergencySkip({ ...skip, RELEASE_GATES_SKIP_UNTIL: '2026-12-31' }, KNOWN, on('2026-12-31'))?.until).toBe('2026-12-31');
      expect(readEmergencySkip({ ...skip, RELEASE_GATES_SKIP_UNTIL: ' 2026-12-31 ' }, KNOWN, on('2026-01-01'))?.until).toBe('2026-12-31');
    });

    it('refuses an expired skip, naming the day', () => {
      let message = '';
      try {
        readEmergencySkip({ ...skip, RELEASE_GATES_SKIP_UNTIL: '2026-12-31' }, KNOWN, on('2027-01-01'));
      } catch (error) {
        expect(error).toBeInstanceOf(EmergencySkipError);
        message = (error as Error).message;
      }
      expect(message).toContain('expired on 2026-12-31');
    });

    it('refuses a date that is not YYYY-MM-DD or does not exist', () => {
      for (const until of ['31.12.2026', '2026-02-30', 'tomorrow']) {
        expect(() => readEmergencySkip({ ...skip, RELEASE_GATES_SKIP_UNTIL: until }, KNOWN, on('2026-01-01'))).toThrow(/is not a date; write .*YYYY-MM-DD/);
      }
    });

    it('says in the summary whether the skip expires', () => {
      expect(expiryNote('2026-12-31')).toBe('valid until 2026-12-31');
      expect(expiryNote(null)).toContain('no expiry');
    });
  });
});
