/**
 * The worker thread of state-thread.ts: waits for the probes it is given and posts their lines back, in order. The
 * probes that ask a registry over the network start first (probeStartOrder): their round trips are the longest, and
 * the other probes' synchronous work (git processes, reading files) then runs while those requests are under way.
 */
import { parentPort } from 'node:worker_threads';
import { probeLines, probeStartOrder } from './state-lines';
import type { StateThreadWork } from './state-thread';

/** A thread started early that never gets its work ends by itself. */
const UNUSED_FOR_MS = 60_000;

const port = parentPort;
if (port) {
  const unused = setTimeout(() => process.exit(0), UNUSED_FOR_MS);
  port.once('message', (work: StateThreadWork) => {
    clearTimeout(unused);
    const answers: Array<Promise<string[]>> = new Array(work.probes.length);
    for (const i of probeStartOrder(work.probes)) answers[i] = probeLines(work.workspaceRoot, work.probes[i]);
    void Promise.all(answers).then((lines) => port.postMessage(lines));
  });
}
