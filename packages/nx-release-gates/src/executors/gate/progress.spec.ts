import { gateProgress } from './progress';

describe('gateProgress', () => {
  it('with a live stream: a start line, the heartbeat and an end line with the final status and time, nothing in the gate’s output', () => {
    const live: string[] = [];
    const output: string[] = [];
    let now = 1_000;
    const progress = gateProgress('sd:gate-build', (l) => live.push(l), (l) => output.push(l), () => now);
    progress.started();
    now += 10_000;
    progress.say('sd:gate-build: cargo build still running (10 s)');
    now += 52_000;
    progress.ended('passed');
    expect(live).toEqual(['▶ sd:gate-build started', 'sd:gate-build: cargo build still running (10 s)', '✔ sd:gate-build passed in 1m2s']);
    expect(output).toEqual([]);
  });

  it('names each final status with its mark', () => {
    const live: string[] = [];
    let now = 0;
    for (const status of ['failed', 'skipped', 'fallback', 'interrupted'] as const) {
      const progress = gateProgress('sd:gate-test', (l) => live.push(l), () => {}, () => now);
      progress.started();
      now += 3_100;
      progress.ended(status);
    }
    expect(live.filter((l) => !l.startsWith('▶'))).toEqual(['✖ sd:gate-test failed in 3.1s', '– sd:gate-test skipped in 3.1s', '↓ sd:gate-test fallback in 3.1s', '✖ sd:gate-test interrupted in 3.1s']);
  });

  it('without a live stream: the heartbeat goes with the gate’s output, and no start or end line is printed', () => {
    const output: string[] = [];
    const progress = gateProgress('sd:gate-build', null, (l) => output.push(l), () => {
      throw new Error('the clock is not read');
    });
    progress.started();
    progress.say('sd:gate-build: cargo build still running (10 s)');
    progress.ended('passed');
    expect(output).toEqual(['sd:gate-build: cargo build still running (10 s)']);
  });

  it('keeps text from users and tools from acting as a workflow command, on one line', () => {
    const live: string[] = [];
    const output: string[] = [];
    const progress = gateProgress('::error::x:gate-build', (l) => live.push(l), () => {}, () => 0);
    progress.started();
    progress.say('::add-mask::cargo last reported: Compiling a\nb');
    gateProgress('x:gate-build', null, (l) => output.push(l), () => 0).say('::stop-commands::t');
    expect(live).toEqual(['▶ ::error::x:gate-build started', '> ::add-mask::cargo last reported: Compiling a b']);
    expect(output).toEqual(['> ::stop-commands::t']);
  });
});
