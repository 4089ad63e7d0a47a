/**
 * Imported first by the release-dry-run executor, for its side effect: the thread that reads the gates' outside state
 * (cache-key/state-thread.ts) starts while the executor's other modules load, 30-40 ms before the executor runs and
 * knows which probes to post. Hashing the gates waits for those answers (a registry round trip on a crate whose
 * gate-install reads every dependency's index entry), so every millisecond the thread starts earlier comes off a
 * warm dry run.
 */
import { startStateThreadEarly } from '../../cache-key/state-thread';

startStateThreadEarly();
