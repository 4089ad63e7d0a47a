import { childEnvironment } from './process';

describe('childEnvironment', () => {
  it("lays the given variables over this process's by default", () => {
    expect(childEnvironment({ env: { A: '1' } })).toEqual({ env: { A: '1' }, extendEnv: true });
    expect(childEnvironment({})).toEqual({ env: undefined, extendEnv: true });
  });

  it('with replaceEnv, the given environment is the whole of it (nothing of this process is added)', () => {
    expect(childEnvironment({ env: { PATH: '/bin' }, replaceEnv: true })).toEqual({ env: { PATH: '/bin' }, extendEnv: false });
    // No environment given: the program still gets this process's, never an empty one.
    expect(childEnvironment({ replaceEnv: true })).toEqual({ env: undefined, extendEnv: true });
  });
});

describe('whenInterrupted', () => {
  it('runs what must survive synchronously on the first signal, once, and never after it is unregistered', () => {
    jest.useFakeTimers(); // the backstop exit of the handler must not fire in the test process
    const before = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') };
    try {
      jest.isolateModules(() => {
        const fresh = require('./process') as typeof import('./process');
        const seen: string[] = [];
        const dropped: string[] = [];
        fresh.whenInterrupted(() => {
          throw new Error('a failing recorder stops no other');
        });
        fresh.whenInterrupted((signal) => seen.push(signal));
        fresh.whenInterrupted((signal) => dropped.push(signal))();
        process.emit('SIGTERM', 'SIGTERM');
        process.emit('SIGINT', 'SIGINT');
        expect(seen).toEqual(['SIGTERM']);
        expect(dropped).toEqual([]);
        expect(fresh.interruption()).toBe('SIGTERM');
      });
    } finally {
      for (const signal of ['SIGINT', 'SIGTERM'] as const) {
        for (const listener of process.listeners(signal)) if (!before[signal].includes(listener)) process.removeListener(signal, listener);
      }
      jest.clearAllTimers();
      jest.useRealTimers();
    }
  });
});
