import { HeartbeatClock, startHeartbeat } from './heartbeat';

/** A clock the test moves by hand: `advance` runs the ticks that fall due, in order. */
function fakeClock() {
  let now = 0;
  const timers = new Set<{ ms: number; next: number; tick: () => void }>();
  const clock: HeartbeatClock = {
    now: () => now,
    every: (ms, tick) => {
      const timer = { ms, next: now + ms, tick };
      timers.add(timer);
      return () => timers.delete(timer);
    },
  };
  const advance = (ms: number) => {
    const until = now + ms;
    for (;;) {
      const due = [...timers].filter((t) => t.next <= until).sort((a, b) => a.next - b.next)[0];
      if (!due) break;
      now = due.next;
      due.next += due.ms;
      due.tick();
    }
    now = until;
  };
  return { clock, advance, timers };
}

describe('startHeartbeat', () => {
  it('says nothing while the command prints, and after 10 s of silence names the gate, the time and cargo’s last status', () => {
    const { clock, advance } = fakeClock();
    const printed: string[] = [];
    const beat = startHeartbeat('beta:gate-build: cargo build', (l) => printed.push(l), clock);
    for (let i = 0; i < 5; i++) {
      advance(4_000);
      beat.saw(`   Compiling dep${i} v1.0.0`);
    }
    expect(printed).toEqual([]);
    advance(9_000);
    expect(printed).toEqual([]);
    advance(1_000);
    expect(printed).toEqual(['beta:gate-build: cargo build still running (30 s; cargo last reported: Compiling dep4 v1.0.0)']);
  });

  it('keeps a line at least every 10 s through a long silence, and none after it is stopped', () => {
    const { clock, advance, timers } = fakeClock();
    const printed: string[] = [];
    const beat = startHeartbeat('beta:gate-build: cargo build', (l) => printed.push(l), clock);
    advance(80_000);
    expect(printed).toHaveLength(8);
    expect(printed[0]).toBe('beta:gate-build: cargo build still running (10 s)');
    expect(printed[7]).toBe('beta:gate-build: cargo build still running (80 s)');
    beat.stop();
    expect(timers.size).toBe(0);
    advance(60_000);
    expect(printed).toHaveLength(8);
  });

  it('remembers only cargo’s status lines as what it is doing', () => {
    const { clock, advance } = fakeClock();
    const printed: string[] = [];
    const beat = startHeartbeat('beta:gate-test: cargo test', (l) => printed.push(l), clock);
    beat.saw('     Running unittests src/main.rs (target/debug/deps/beta-1)');
    beat.saw('test adds ... ok');
    advance(10_000);
    expect(printed).toEqual(['beta:gate-test: cargo test still running (10 s; cargo last reported: Running unittests src/main.rs (target/debug/deps/beta-1))']);
  });
});
