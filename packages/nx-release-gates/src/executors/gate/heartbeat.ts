/**
 * While a gate's cargo command runs, a line at least every 10 s: cargo says nothing for minutes while it links with
 * LTO or a build script runs, and a log that stays silent that long reads as a hung job. The line names the gate,
 * how long the command has run and what cargo last reported (Compiling serde v1.0.0), and comes only when the command
 * itself has printed nothing for that long.
 */

/** The clock the heartbeat reads and ticks by; the real one unless a test gives a fake. */
export interface HeartbeatClock {
  now(): number;
  /** Calls `tick` every `ms` until the returned function is called. */
  every(ms: number, tick: () => void): () => void;
}

export const realClock: HeartbeatClock = {
  now: () => Date.now(),
  every: (ms, tick) => {
    const timer = setInterval(tick, ms);
    timer.unref();
    return () => clearInterval(timer);
  },
};

export const HEARTBEAT_QUIET_MS = 10_000;
const TICK_MS = 1_000;

/** cargo's status lines: what it is working on. */
const CARGO_STATUS = /^\s*(Compiling|Checking|Documenting|Downloading|Downloaded|Updating|Locking|Packaging|Verifying|Uploading|Building|Running|Doc-tests|Installing)\s+\S/;

export interface Heartbeat {
  /** A line the command printed (or that cargo reported): silence starts again, and a status line is remembered. */
  saw(line: string): void;
  stop(): void;
}

/** Starts the heartbeat of one command; `label` names the gate and the command (beta:gate-build: cargo build). */
export function startHeartbeat(label: string, print: (line: string) => void, clock: HeartbeatClock = realClock, quietMs = HEARTBEAT_QUIET_MS): Heartbeat {
  const started = clock.now();
  let lastLine = started;
  let activity: string | null = null;
  const stop = clock.every(TICK_MS, () => {
    const now = clock.now();
    if (now - lastLine < quietMs) return;
    lastLine = now;
    print(`${label} still running (${Math.round((now - started) / 1000)} s${activity ? `; cargo last reported: ${activity}` : ''})`);
  });
  return {
    saw(line) {
      lastLine = clock.now();
      if (CARGO_STATUS.test(line)) activity = line.trim();
    },
    stop,
  };
}
