import * as fs from 'node:fs';
import { gateTracer } from './tracing';

describe('gateTracer', () => {
  it('wraps calls in strace and collects what the trace file recorded, removing it', async () => {
    let asked = 0;
    const tracer = gateTracer(async () => (asked++, { mode: 'strace' }), { lookups: false });
    expect(tracer.reads()).toBeNull();
    const wrapped = (await tracer.wrap('cargo', ['build'], '/w'))!;
    expect(wrapped.file).toBe('strace');
    expect(wrapped.args.slice(-3)).toEqual(['--', 'cargo', 'build']);
    const output = wrapped.args[wrapped.args.indexOf('-o') + 1];
    fs.writeFileSync(output, '5 openat(AT_FDCWD</w>, "a.txt", O_RDONLY) = 3</w/a.txt>\n');
    wrapped.done();
    expect(fs.existsSync(output)).toBe(false);
    const second = (await tracer.wrap('cargo', ['test'], '/w'))!;
    // Without -y: a relative path resolves against the folder the command ran in.
    fs.writeFileSync(second.args[second.args.indexOf('-o') + 1], '6 openat(AT_FDCWD, "b.txt", O_RDONLY) = 3\n');
    second.done();
    expect(asked).toBe(1);
    expect(tracer.reads()).toEqual({
      mode: 'strace',
      records: [
        { pid: 5, op: 'read', path: '/w/a.txt', program: '' },
        { pid: 6, op: 'read', path: '/w/b.txt', program: '' },
      ],
    });
  });

  it('traces the stat family only when the gate asks for lookups', async () => {
    const tracedCalls = async (lookups: boolean) => {
      const wrapped = (await gateTracer(async () => ({ mode: 'strace' }), { lookups }).wrap('cargo', ['fmt'], '/w'))!;
      wrapped.done();
      return wrapped.args.find((a) => a.startsWith('trace='))!.split(/[=,]/);
    };
    expect(await tracedCalls(true)).toContain('statx');
    expect(await tracedCalls(false)).not.toContain('statx');
    expect(await tracedCalls(false)).toContain('openat');
  });

  it('runs the command as it is when tracing is unavailable, and says why', async () => {
    const tracer = gateTracer(async () => ({ mode: 'unavailable', reason: 'no strace' }), { lookups: false });
    expect(await tracer.wrap('cargo', ['build'], '/w')).toBeNull();
    expect(tracer.reads()).toEqual({ mode: 'unavailable', reason: 'no strace' });
  });
});
