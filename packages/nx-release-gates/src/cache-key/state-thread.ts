/**
 * The outside-state probes of a release dry run, answered in a worker thread. The dry run's process spends its first
 * few hundred milliseconds loading Nx's task runner and reading the graph, synchronously: a probe started on that
 * thread (a TLS handshake with the registry index, a git process) only advances between those blocks, so an index
 * entry that answers in 60 ms took 250-300 ms and hashing waited for it. A thread of its own runs the probes on the
 * other core meanwhile. The answers are exactly what probeLines gives on the main thread: the same function runs.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';

/** What the thread is given, and what it answers: one list of lines per probe, in order. */
export interface StateThreadWork {
  workspaceRoot: string;
  probes: string[][];
}

/** The compiled entry of the thread, beside this module (absent when the sources run uncompiled, as in unit tests). */
const ENTRY = path.join(__dirname, 'state-thread-entry.js');

/**
 * Starts the thread and resolves with its answers; rejects when the thread cannot start, fails, or ends without
 * answering (the caller then probes on its own thread). The thread never keeps the process alive.
 */
export function probeLinesInThread(work: StateThreadWork): Promise<string[][]> {
  if (!fs.existsSync(ENTRY)) return Promise.reject(new Error(`no compiled ${path.basename(ENTRY)}`));
  return new Promise((resolve, reject) => {
    const worker = new Worker(ENTRY, { workerData: work });
    worker.unref();
    worker.once('message', (answers: unknown) => {
      void worker.terminate();
      if (Array.isArray(answers) && answers.length === work.probes.length && answers.every((a) => Array.isArray(a) && a.every((l) => typeof l === 'string'))) resolve(answers as string[][]);
      else reject(new Error('the state thread answered something else than one list of lines per probe'));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the state thread ended (code ${code}) without answering`)));
  });
}
