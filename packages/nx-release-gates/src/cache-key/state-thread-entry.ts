/** The worker thread of state-thread.ts: reads the probes it is given and posts their lines back, in order. */
import { parentPort, workerData } from 'node:worker_threads';
import { probeLines } from './state-lines';
import type { StateThreadWork } from './state-thread';

const work = workerData as StateThreadWork;
void Promise.all(work.probes.map((probe) => probeLines(work.workspaceRoot, probe))).then((answers) => parentPort?.postMessage(answers));
