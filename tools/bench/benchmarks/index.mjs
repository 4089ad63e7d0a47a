// Every benchmark, in the order they run. Each module's default export is { name, description, run(ctx) }; run
// returns one table of the report: { name, header, rows, notes?, goals, data }.
// Cheap benchmarks first, so a run cut short still has them; warm reuses the state cold leaves, and parallel the
// 1-crate cold figures cold measures.
import affected from './affected.mjs';
import cold from './cold.mjs';
import floor from './floor.mjs';
import inference from './inference.mjs';
import parallel from './parallel.mjs';
import remote from './remote.mjs';
import tracing from './tracing.mjs';
import warm from './warm.mjs';

export const BENCHMARKS = [inference, affected, cold, warm, floor, tracing, remote, parallel];
