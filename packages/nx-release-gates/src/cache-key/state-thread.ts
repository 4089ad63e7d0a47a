/**
 * The outside-state probes of a release dry run, answered in a worker thread. The dry run's process spends its first
 * few hundred milliseconds loading Nx's task runner and reading the graph, synchronously: a probe started on that
 * thread (a TLS handshake with the registry index, a git process) only advances between those blocks, so an index
 * entry that answers in 60 ms took 250-300 ms and hashing waited for it. A thread of its own runs the probes on the
 * other core meanwhile. The answers are exactly what probeLines gives on the main thread: the same function runs.
 *
 * The thread can start before its work is known (startStateThreadEarly): starting a thread and loading the probes'
 * modules in it takes 50-70 ms, which then overlaps the dry run's own module loading instead of preceding the probes.
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

/** A thread started ahead of its work, for the next probeLinesInThread of this process. */
let early: Worker | null = null;

/** A thread waiting for its work (the entry reads one message); it never keeps the process alive. */
function startThread(): Worker | null {
  if (!fs.existsSync(ENTRY)) return null;
  const worker = new Worker(ENTRY);
  worker.unref();
  // A failure before any work was posted is reported to whoever posts work (the 'error' listener below); until then
  // it must not count as an unhandled error of this process.
  worker.on('error', () => undefined);
  // One that ended before its work came is not handed any: probeLinesInThread starts another.
  worker.on('exit', () => {
    if (early === worker) early = null;
  });
  return worker;
}

/**
 * Starts the thread now, for work that is not known yet (release-dry-run, as its module loads). The thread ends by
 * itself if no work comes (state-thread-entry.ts); calling this again while one waits does nothing.
 */
export function startStateThreadEarly(): void {
  if (!early) early = startThread();
}

/** Ends the thread started early when there turns out to be no work for it. */
export function stopStateThreadEarly(): void {
  void early?.terminate();
  early = null;
}

/**
 * Posts the work to the thread started early, or to a new one, and resolves with its answers; rejects when the thread
 * cannot start, fails, or ends without answering (the caller then probes on its own thread).
 */
export function probeLinesInThread(work: StateThreadWork): Promise<string[][]> {
  const worker = early ?? startThread();
  early = null;
  if (!worker) return Promise.reject(new Error(`no compiled ${path.basename(ENTRY)}`));
  return new Promise((resolve, reject) => {
    worker.once('message', (answers: unknown) => {
      void worker.terminate();
      if (Array.isArray(answers) && answers.length === work.probes.length && answers.every((a) => Array.isArray(a) && a.every((l) => typeof l === 'string'))) resolve(answers as string[][]);
      else reject(new Error('the state thread answered something else than one list of lines per probe'));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the state thread ended (code ${code}) without answering`)));
    worker.postMessage(work);
  });
}
