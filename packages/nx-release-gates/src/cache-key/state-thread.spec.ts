import * as os from 'node:os';
import { probeLinesInThread, startStateThreadEarly, stopStateThreadEarly } from './state-thread';

/**
 * The thread runs compiled JavaScript only. The sources as Jest loads them have no compiled entry: the spawner
 * refuses at once (the caller then probes on its own thread) rather than starting a thread that cannot load. The
 * compiled thread, started early, runs in every end-to-end dry run.
 */
describe('the state thread', () => {
  it('refuses, rather than hangs, when there is no compiled entry to run', async () => {
    await expect(probeLinesInThread({ workspaceRoot: os.tmpdir(), probes: [['tags', 'tool']] })).rejects.toThrow(/no compiled state-thread-entry\.js/);
  });

  it('starting early without a compiled entry starts nothing, and the work is still refused at once', async () => {
    startStateThreadEarly();
    await expect(probeLinesInThread({ workspaceRoot: os.tmpdir(), probes: [['tags', 'tool']] })).rejects.toThrow(/no compiled/);
    startStateThreadEarly();
    stopStateThreadEarly();
    await expect(probeLinesInThread({ workspaceRoot: os.tmpdir(), probes: [] })).rejects.toThrow(/no compiled/);
  });
});
