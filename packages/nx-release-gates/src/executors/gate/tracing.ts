/**
 * How the adapter traces a traced gate's cargo calls (GateSpec.traced): each call runs under strace writing to a
 * fresh file, which is parsed and removed as soon as the call returns, so the gate can ask what its process tree read
 * (GateContext.tracedReads). Whether tracing is available is asked once, on the first call; when it is not, the
 * calls run as they are and the answer says why.
 */
import { parseStrace, TraceRecord } from '../../parsers/strace';
import { newTraceFile, straceArgs, takeTrace, TraceAvailability, TraceScope } from '../../ops/trace';
import type { TracedReads } from '../../gates/types';

export interface GateTracer {
  /** The command to run in `cwd` instead of `file args`, and what to call once it returned; null: run it as it is. */
  wrap(file: string, args: readonly string[], cwd: string): Promise<{ file: string; args: string[]; done(): void } | null>;
  /** What the calls so far read; null before the first call. */
  reads(): TracedReads | null;
}

export function gateTracer(availability: () => Promise<TraceAvailability>, scope: TraceScope): GateTracer {
  let answer: TraceAvailability | null = null;
  const records: TraceRecord[] = [];
  return {
    async wrap(file, args, cwd) {
      answer ??= await availability();
      if (answer.mode !== 'strace') return null;
      const output = newTraceFile();
      // One by one: a long build's records are too many to spread into push's arguments.
      const done = () => {
        for (const record of parseStrace(takeTrace(output), cwd)) records.push(record);
      };
      return { file: 'strace', args: straceArgs(output, file, args, scope), done };
    },
    reads: () => (answer === null ? null : answer.mode === 'strace' ? { mode: 'strace', records } : answer),
  };
}
