import type { ExecutorContext } from '@nx/devkit';
import { findGate } from '../../gates';
import type { GateContext, GateDefinition, GateOutcome } from '../../gates/types';
import type { CommandResult } from '../../ops/process';
import type { HeldLock, LockOwner } from '../../ops/lock';
import type { GateResult } from '../../report/result';
import { crateModel } from '../../testing/crate-model';
import { childEndedBySignal, GateEffects, runGateTask } from './run-gate';

describe('childEndedBySignal', () => {
  it('reads the signal cargo reports for a rustc or build script that a signal ended', () => {
    expect(childEndedBySignal('error: failed to run custom build command for `slow v0.1.0`\n  process didn\'t exit successfully: `/t/build-script-build` (signal: 15, SIGTERM: termination signal)')).toBe('SIGTERM');
    expect(childEndedBySignal('(signal: 2, SIGINT: interrupt)')).toBe('SIGINT');
  });

  it('is undefined for an ordinary failure, and for SIGKILL or SIGSEGV (out of memory, a crash: a failure of the build)', () => {
    expect(childEndedBySignal('error[E0308]: mismatched types')).toBeUndefined();
    expect(childEndedBySignal('(signal: 9, SIGKILL: kill)')).toBeUndefined();
    expect(childEndedBySignal('(signal: 11, SIGSEGV: invalid memory reference)')).toBeUndefined();
  });
});

/** An in-memory lock table that behaves as ops/lock does: one holder per key, the others wait and are told once. */
function lockTable(events: string[]) {
  const held = new Map<string, { owner: LockOwner; freed: Promise<void>; free: () => void }>();
  const waitForLock = async (key: string, what: string, onWait: (owner: LockOwner) => void): Promise<HeldLock> => {
    let told = false;
    for (let holder = held.get(key); holder; holder = held.get(key)) {
      if (!told) onWait(holder.owner);
      told = true;
      await holder.freed;
    }
    let free = () => {};
    const freed = new Promise<void>((resolve) => (free = resolve));
    const entry = { owner: { pid: 4242, since: '2026-01-01T10:00:00.000Z', what }, freed, free };
    held.set(key, entry);
    events.push(`lock ${key.split('\0').pop() || key.split('\0')[2]}`);
    return {
      release: () => {
        if (held.get(key) !== entry) return;
        held.delete(key);
        events.push(`release ${key.split('\0').pop() || key.split('\0')[2]}`);
        free();
      },
    };
  };
  return { held, waitForLock };
}

function commandResult(commandLine: string, overrides: Partial<CommandResult> = {}): CommandResult {
  return { commandLine, exitCode: 0, stdout: '', stderr: '', durationMs: 1, notFound: false, timedOut: false, ...overrides };
}

const context = {
  root: '/ws',
  cwd: '/ws',
  isVerbose: false,
  projectName: 'tool',
  projectsConfigurations: { version: 2, projects: { tool: { root: 'crates/tool' } } },
  nxJsonConfiguration: {},
} as unknown as ExecutorContext;

/** The adapter with every outside effect faked: what it locked, cleared, ran, wrote, said and exited with. */
function harness(commands: (file: string, args: readonly string[]) => Partial<CommandResult> = () => ({})) {
  const events: string[] = [];
  const locks = lockTable(events);
  const state = { signal: null as NodeJS.Signals | null, clock: Date.parse('2026-01-01T10:00:00.000Z') };
  const written: GateResult[] = [];
  const exits: number[] = [];
  const errors: string[] = [];
  let clears = 0;
  const fx: GateEffects = {
    now: () => new Date((state.clock += 500)),
    env: { NX_TASK_HASH: 'hash-1', NX_RELEASE_GATES_RUN_ID: 'run-1', PATH: '/usr/bin' },
    hostname: () => 'builder',
    interruption: () => state.signal,
    exit: (code) => void exits.push(code),
    waitForLock: locks.waitForLock,
    runCommand: async (file, args) => {
      if (file === 'git') return commandResult('git rev-parse HEAD', { stdout: 'c0ffee\n' });
      return commandResult([file, ...args].join(' '), commands(file, args));
    },
    readCrate: async () => crateModel(),
    detectToolchain: async () => ({ rustc: 'rustc 1.90.0', cargo: 'cargo 1.90.0', host: 'x86_64-unknown-linux-gnu', cuda: null }),
    clearOutputs: () => {
      events.push(`clear #${++clears}`);
      return null;
    },
    writeResult: (_root, result) => {
      written.push(result);
      return `/ws/dist/release-gates/${result.project}/${result.gate}.json`;
    },
    readResult: () => null,
    printGateLine: () => {},
    error: (message) => void errors.push(String(message)),
    log: { info: (text) => void events.push(`info ${text}`), warn: () => {} },
    notice: (line) => void events.push(`notice ${line}`),
  };
  return { fx, events, locks, state, written, exits, errors };
}

/** gate-build as the catalog has it (it locks the shared target/release), with a run of our own. */
function buildGate(run: (context: GateContext) => Promise<GateOutcome>): GateDefinition {
  return { ...findGate('build')!, run };
}

const passing = buildGate(async () => ({ status: 'passed', reason: 'built' }));

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

describe('runGateTask: locks', () => {
  it('waits for a held lock, says once whom it waits for and since when, and starts only when it is freed', async () => {
    const h = harness();
    const other = await h.fx.waitForLock('/ws\0tool\0gate-build\0', 'tool:gate-build', () => {});
    const task = runGateTask(passing, {}, context, h.fx);
    await settle();
    // Outside the task's output, which Nx would replay from the cache naming a process long gone.
    expect(h.events.filter((e) => e.startsWith('notice'))).toEqual(['notice tool:gate-build: waiting for another run of this gate (pid 4242, since 2026-01-01T10:00:00.000Z)']);
    expect(h.errors).toEqual([]);
    expect(h.events).not.toContain('clear #1');
    other.release();
    expect(await task).toEqual({ success: true });
    expect(h.events.filter((e) => e.startsWith('notice'))).toHaveLength(1);
    expect(h.events).toContain('clear #1');
  });

  const endings: Array<[string, GateDefinition, boolean]> = [
    ['passes', passing, true],
    ['fails', buildGate(async () => ({ status: 'failed', reason: 'could not compile' })), false],
    [
      'throws',
      buildGate(async () => {
        throw new Error('boom');
      }),
      false,
    ],
  ];
  it.each(endings)('releases the gate lock and the target-directory lock when the gate %s', async (_ending, gate, success) => {
    const h = harness();
    expect(await runGateTask(gate, {}, context, h.fx)).toEqual({ success });
    expect(h.events.filter((e) => /^(lock|release) /.test(e))).toEqual(['lock gate-build', 'lock release', 'release gate-build', 'release release']);
    expect(h.locks.held.size).toBe(0);
  });

  it('a thrown error is one failed line in the result, never a stack', async () => {
    const h = harness();
    await runGateTask(endings[2][1], {}, context, h.fx);
    expect(h.written[0]).toMatchObject({ status: 'failed', reason: 'internal error: boom (set NX_VERBOSE_LOGGING=true for details)' });
    expect(h.errors).toEqual([]);
  });

  it('a second run of the same gate waits instead of deleting the first one\'s files', async () => {
    const h = harness();
    const first = deferred();
    let runs = 0;
    const gate = buildGate(async () => {
      h.events.push(`gate #${++runs} starts`);
      if (runs === 1) await first.promise;
      h.events.push(`gate #${runs} ends`);
      return { status: 'passed', reason: 'built' };
    });
    const one = runGateTask(gate, {}, context, h.fx);
    await settle();
    const two = runGateTask(gate, {}, context, h.fx);
    await settle();
    expect(h.events.filter((e) => e.startsWith('clear'))).toEqual(['clear #1']);
    expect(h.events.filter((e) => e.startsWith('notice'))).toHaveLength(1);
    first.resolve();
    await Promise.all([one, two]);
    expect(h.events.indexOf('clear #2')).toBeGreaterThan(h.events.indexOf('release gate-build'));
    expect(h.events.indexOf('clear #2')).toBeGreaterThan(h.events.indexOf('gate #1 ends'));
  });

  it('tells whom it waits for when another gate holds the shared target directory part', async () => {
    const h = harness();
    const other = await h.fx.waitForLock('/ws/target\0release', 'tool:gate-size', () => {});
    const task = runGateTask(passing, {}, context, h.fx);
    await settle();
    expect(h.events).toContain('notice tool:gate-build: waiting for tool:gate-size (pid 4242, since 2026-01-01T10:00:00.000Z), which uses /ws/target/release');
    other.release();
    expect(await task).toEqual({ success: true });
  });
});

describe('runGateTask: gate-cuda takes target/release only when it builds', () => {
  const cuda = findGate('cuda')!;
  const withToolkit = (h: ReturnType<typeof harness>) => {
    h.fx.detectToolchain = async () => ({ rustc: 'rustc 1.90.0', cargo: 'cargo 1.90.0', host: 'x86_64-unknown-linux-gnu', cuda: { nvcc: '/opt/cuda/bin/nvcc', version: '12.4' } });
  };

  it('a crate without CUDA features: skips at once while gate-build holds the release lock', async () => {
    const h = harness();
    withToolkit(h);
    const build = await h.fx.waitForLock('/ws/target\0release', 'tool:gate-build', () => {});
    expect(await runGateTask(cuda, {}, context, h.fx)).toEqual({ success: true });
    expect(h.written[0]).toMatchObject({ gate: 'gate-cuda', status: 'skipped', commands: [] });
    expect(h.events.filter((e) => e.startsWith('info'))).toEqual([]);
    expect(h.events.filter((e) => /^(lock|release) /.test(e))).toEqual(['lock release', 'lock gate-cuda', 'release gate-cuda']);
    build.release();
  });

  it('a crate with CUDA features: waits for the release lock before it builds', async () => {
    const h = harness();
    withToolkit(h);
    h.fx.readCrate = async () => crateModel({ features: { cuda: [] } });
    const build = await h.fx.waitForLock('/ws/target\0release', 'tool:gate-build', () => {});
    const task = runGateTask(cuda, {}, context, h.fx);
    await settle();
    expect(h.events).toContain('notice tool:gate-cuda: waiting for tool:gate-build (pid 4242, since 2026-01-01T10:00:00.000Z), which uses /ws/target/release');
    expect(h.written).toEqual([]);
    build.release();
    await task;
    expect(h.written[0]).toMatchObject({ gate: 'gate-cuda', details: { mode: 'cuda' } });
    expect(h.written[0].commands.some((c) => c.startsWith('cargo build --release'))).toBe(true);
  });
});

describe('runGateTask: interruption and exit status', () => {
  it.each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const)('a %s during the gate: the result is interrupted with interruptedBy, and the process exits %i', async (signal, code) => {
    const h = harness();
    const gate = buildGate(async () => {
      h.state.signal = signal;
      return { status: 'passed', reason: 'built', details: { binaries: 1 } };
    });
    expect(await runGateTask(gate, {}, context, h.fx)).toEqual({ success: false });
    expect(h.written[0]).toMatchObject({ status: 'interrupted', reason: `interrupted by ${signal} before it finished; run it again`, details: { binaries: 1, interruptedBy: signal } });
    expect(h.exits).toEqual([code]);
  });

  it('a child ended by SIGTERM, seen in cargo\'s stderr, interrupted the gate although no signal reached this process', async () => {
    const h = harness((file) => (file === 'cargo' ? { exitCode: 101, stderr: 'process didn\'t exit successfully: `build-script-build` (signal: 15, SIGTERM: termination signal)' } : {}));
    const gate = buildGate(async (ctx) => {
      const build = await ctx.cargo(['build', '--release']);
      return { status: build.exitCode === 0 ? 'passed' : 'failed', reason: 'could not compile' };
    });
    expect(await runGateTask(gate, {}, context, h.fx)).toEqual({ success: false });
    expect(h.written[0]).toMatchObject({ status: 'interrupted', commands: ['cargo build --release'], details: { interruptedBy: 'SIGTERM' } });
    expect(h.exits).toEqual([]);
  });

  it('a command that timed out is the gate\'s failure, not an interruption', async () => {
    const h = harness(() => ({ exitCode: 143, timedOut: true, signal: 'SIGTERM', stderr: '(signal: 15, SIGTERM: termination signal)' }));
    const gate = buildGate(async (ctx) => {
      await ctx.cargo(['build']);
      return { status: 'failed', reason: 'timed out' };
    });
    await runGateTask(gate, {}, context, h.fx);
    expect(h.written[0]).toMatchObject({ status: 'failed', reason: 'timed out' });
  });

  it.each([
    ['passed', true],
    ['fallback', true],
    ['skipped', true],
    ['failed', false],
    ['interrupted', false],
  ] as const)('status %s: the task succeeds (exit 0) = %s', async (status, success) => {
    const h = harness();
    expect(await runGateTask(buildGate(async () => ({ status, reason: 'r' })), {}, context, h.fx)).toEqual({ success });
    expect(h.written[0].status).toBe(status);
  });

  it('stamps the result with this run: task hash, run id, host, commit, start and duration from the clock', async () => {
    const h = harness();
    await runGateTask(passing, {}, context, h.fx);
    expect(h.written[0]).toMatchObject({
      gate: 'gate-build',
      crate: 'tool',
      version: '1.2.3',
      startedAt: '2026-01-01T10:00:00.500Z',
      durationMs: 500,
      run: { taskHash: 'hash-1', runId: 'run-1', host: 'builder', commit: 'c0ffee' },
    });
  });

  // A result that cannot be written, or signed with an unusable key, fails the task in one line.
  it.each([
    [
      'writeResult',
      'EACCES: permission denied',
      "✖ tool:gate-build failed: cannot write its result file dist/release-gates/tool/gate-build.json: EACCES: permission denied; make dist/release-gates writable and run again (the gate's verdict, passed, is void without it)",
    ],
    [
      'signOutputs',
      'NX_RELEASE_GATES_SIGNING_KEY is not a PEM private key (bad); set it to an ed25519 private key',
      "✖ tool:gate-build failed: cannot sign its outputs: NX_RELEASE_GATES_SIGNING_KEY is not a PEM private key (bad); set it to an ed25519 private key (the gate's verdict, passed, does not count unsigned)",
    ],
  ] as const)('a throwing %s fails the task in one line', async (effect, message, line) => {
    const h = harness();
    h.fx[effect] = () => {
      throw new Error(message);
    };
    expect(await runGateTask(passing, {}, context, h.fx)).toEqual({ success: false });
    expect(h.errors).toEqual([line]);
  });

  it('signs the written result with the environment it ran in, after writing it', async () => {
    const h = harness();
    const order: string[] = [];
    h.fx.writeResult = (_root, result) => {
      order.push(`write ${result.status}`);
      return '/ws/dist/release-gates/tool/gate-build.json';
    };
    h.fx.signOutputs = (root, result, env) => {
      order.push(`sign ${root} ${result.run?.taskHash} ${env.NX_TASK_HASH}`);
      return '/ws/dist/release-gates/tool/gate-build.signature.json';
    };
    expect(await runGateTask(passing, {}, context, h.fx)).toEqual({ success: true });
    expect(order).toEqual(['write passed', 'sign /ws hash-1 hash-1']);
  });
});

describe("runGateTask: the gates' environment", () => {
  it('gives every command only what the cache key covers (the CUDA folder first on PATH), and names the rest once', async () => {
    const h = harness();
    const seen: Array<{ file: string; env?: Record<string, string | undefined>; replaceEnv?: boolean }> = [];
    const warnings: string[] = [];
    h.fx.env = { ...h.fx.env, RUSTFLAGS: '-Dwarnings', NRG_PROBE: '1', CI: 'true', HOME: '/home/me' };
    h.fx.log = { info: () => {}, warn: (text) => void warnings.push(text) };
    h.fx.detectToolchain = async () => ({ rustc: 'rustc 1.90.0', cargo: 'cargo 1.90.0', host: 'x86_64-unknown-linux-gnu', cuda: { nvcc: '/opt/cuda/bin/nvcc', version: '13.5' } });
    const runCommand = h.fx.runCommand;
    h.fx.runCommand = async (file, args, options) => {
      if (file !== 'git') seen.push({ file, env: options.env, replaceEnv: options.replaceEnv });
      return runCommand(file, args, options);
    };
    const gate = buildGate(async (ctx) => {
      await ctx.cargo(['build', '--release'], { env: { RUSTDOCFLAGS: '-Dwarnings' } });
      await ctx.run('nextest', ['run']);
      return { status: 'passed', reason: 'built', details: { binaries: 1 } };
    });
    await runGateTask(gate, {}, context, h.fx);
    const expected = { PATH: `/opt/cuda/bin${require('node:path').delimiter}/usr/bin`, RUSTFLAGS: '-Dwarnings', HOME: '/home/me' };
    expect(seen).toEqual([
      { file: 'cargo', env: { ...expected, RUSTDOCFLAGS: '-Dwarnings' }, replaceEnv: true },
      { file: 'nextest', env: expected, replaceEnv: true },
    ]);
    expect(h.written[0].details).toEqual({ binaries: 1, withheldEnv: ['CI', 'NRG_PROBE', 'NX_RELEASE_GATES_RUN_ID', 'NX_TASK_HASH'], withheldEnvCount: 4 });
    expect(warnings).toEqual([
      'tool:gate-build withheld 4 variables the cache key does not cover: CI, NRG_PROBE, NX_RELEASE_GATES_RUN_ID, NX_TASK_HASH; declare one with envInputs (Cargo.toml [package.metadata.release-gates] env-inputs = ["CI"]) if the build or tests need it',
    ]);
    // The executor itself still reads the run's stamp from the task's environment.
    expect(h.written[0].run).toMatchObject({ taskHash: 'hash-1', runId: 'run-1' });
  });

  it('passes the declared envInputs on', async () => {
    const h = harness();
    const seen: Array<Record<string, string | undefined> | undefined> = [];
    h.fx.env = { ...h.fx.env, NRG_PROBE: '1', MAX_TOKENS: '4096' };
    const runCommand = h.fx.runCommand;
    h.fx.runCommand = async (file, args, options) => {
      if (file === 'cargo') seen.push(options.env);
      return runCommand(file, args, options);
    };
    const gate = buildGate(async (ctx) => {
      await ctx.cargo(['build']);
      return { status: 'passed', reason: 'built' };
    });
    await runGateTask(gate, { envInputs: ['NRG_PROBE', 'MAX_TOKENS'] }, { ...context, nxJsonConfiguration: { plugins: [{ plugin: 'nx-release-gates', options: { envInputs: ['NRG_PROBE', 'MAX_TOKENS'] } }] } } as ExecutorContext, h.fx);
    expect(h.written[0].status).toBe('passed');
    expect(seen).toEqual([{ PATH: '/usr/bin', NRG_PROBE: '1', MAX_TOKENS: '4096' }]);
    expect(h.written[0].details.withheldEnv).toEqual(['NX_RELEASE_GATES_RUN_ID', 'NX_TASK_HASH']);
  });
});

describe('runGateTask: bounded capture', () => {
  it("passes a gate's capture option on to the command runner", async () => {
    const h = harness();
    const captures: unknown[] = [];
    const runCommand = h.fx.runCommand;
    h.fx.runCommand = async (file, args, options) => {
      if (file === 'cargo') captures.push(options.capture);
      return runCommand(file, args, options);
    };
    const capture = { logFile: '/ws/dist/release-gates/tool/gate-test.log', shownAs: 'dist/release-gates/tool/gate-test.log', keep: /^test / };
    const gate = buildGate(async (ctx) => {
      await ctx.cargo(['test'], { capture });
      await ctx.cargo(['build']);
      return { status: 'passed', reason: 'tested' };
    });
    await runGateTask(gate, {}, context, h.fx);
    expect(captures).toEqual([capture, undefined]);
  });
});

describe('runGateTask: progress while cargo runs', () => {
  it('a cargo command silent for 10 s gets a line naming the gate, the command and what cargo last compiled', async () => {
    const h = harness();
    let now = 0;
    const ticks: Array<() => void> = [];
    h.fx.heartbeatClock = { now: () => now, every: (_ms, tick) => (ticks.push(tick), () => ticks.splice(ticks.indexOf(tick), 1)) };
    h.fx.runCommand = async (file, args, options) => {
      options.onLine?.('stderr', '   Compiling tool v0.1.0 (/ws/crates/tool)');
      now += 10_000; // linking with LTO: nothing printed
      for (const tick of [...ticks]) tick();
      return commandResult([file, ...args].join(' '), {});
    };
    const gate = buildGate(async (ctx) => {
      await ctx.cargo(['build', '--release']);
      return { status: 'passed', reason: 'built', details: { binaries: 1 } };
    });
    await runGateTask(gate, {}, context, h.fx);
    expect(h.events.filter((e) => e.includes('still running'))).toEqual(['info tool:gate-build: cargo build still running (10 s; cargo last reported: Compiling tool v0.1.0 (/ws/crates/tool))']);
    expect(ticks).toEqual([]); // stopped with the command
  });
});

describe('runGateTask: live lines for a person watching the run', () => {
  /** The harness with a live stream to the person: its lines join the events, in order. */
  function live(commands?: Parameters<typeof harness>[0]) {
    const h = harness(commands);
    h.fx.liveStream = () => (line) => void h.events.push(`live ${line}`);
    h.fx.printGateLine = (result) => void h.events.push(`verdict ${result.status}`);
    return h;
  }

  it('says when the gate really starts (once it holds its lock) and how it ended, naming crate and gate', async () => {
    const h = live();
    const other = await h.fx.waitForLock('/ws\0tool\0gate-build\0', 'tool:gate-build', () => {});
    const task = runGateTask(passing, {}, context, h.fx);
    await settle();
    expect(h.events.filter((e) => e.startsWith('live'))).toEqual([]);
    other.release();
    await task;
    const lines = h.events.filter((e) => e.startsWith('live'));
    expect(lines[0]).toBe('live ▶ tool:gate-build started');
    expect(lines[1]).toMatch(/^live ✔ tool:gate-build passed in \d+(\.\d)?s$/);
    expect(lines).toHaveLength(2);
    expect(h.events.indexOf('live ▶ tool:gate-build started')).toBeLessThan(h.events.indexOf('clear #1'));
    expect(h.events.indexOf(lines[1])).toBeGreaterThan(h.events.indexOf('verdict passed'));
  });

  it('the heartbeat goes live too, not with the gate’s output', async () => {
    const h = live();
    let now = 0;
    const ticks: Array<() => void> = [];
    h.fx.heartbeatClock = { now: () => now, every: (_ms, tick) => (ticks.push(tick), () => ticks.splice(ticks.indexOf(tick), 1)) };
    h.fx.runCommand = async (file, args) => {
      now += 10_000;
      for (const tick of [...ticks]) tick();
      return commandResult([file, ...args].join(' '), file === 'git' ? { stdout: 'c0ffee\n' } : {});
    };
    const gate = buildGate(async (ctx) => {
      await ctx.cargo(['build', '--release']);
      return { status: 'failed', reason: 'could not compile' };
    });
    await runGateTask(gate, {}, context, h.fx);
    expect(h.events.filter((e) => e.includes('still running'))).toEqual(['live tool:gate-build: cargo build still running (10 s)']);
    expect(h.events.filter((e) => e.startsWith('live ✖'))).toHaveLength(1);
  });

  it('an interrupted gate says so before the process ends, and a result that cannot be written ends as failed', async () => {
    const h = live();
    const gate = buildGate(async () => {
      h.state.signal = 'SIGTERM';
      return { status: 'passed', reason: 'built' };
    });
    h.fx.exit = (code) => void h.events.push(`exit ${code}`);
    await runGateTask(gate, {}, context, h.fx);
    const end = h.events.findIndex((e) => e.startsWith('live ✖ tool:gate-build interrupted in'));
    expect(end).toBeGreaterThan(-1);
    expect(end).toBeLessThan(h.events.indexOf('exit 143'));

    const unwritable = live();
    unwritable.fx.writeResult = () => {
      throw new Error('EACCES');
    };
    expect(await runGateTask(passing, {}, context, unwritable.fx)).toEqual({ success: false });
    expect(unwritable.events.filter((e) => e.startsWith('live ')).map((e) => e.replace(/ in .*/, ''))).toEqual(['live ▶ tool:gate-build started', 'live ✖ tool:gate-build failed']);
  });
});
