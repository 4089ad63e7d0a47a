/**
 * Runtime cache input of the cacheable gates that read outside state (Nx runs it from the workspace root before
 * hashing): `node <this script> <kind> [arguments of its probe]`, encoded as runtime-args.ts does. Prints the state the
 * gate's answer depends on (state-lines.ts). Never fails: a failing runtime input would stop every Nx run in the
 * workspace.
 */
import { randomUUID } from 'node:crypto';
import { isGateStateKind } from '../model/state-kinds';
import { decodeRuntimeArgs } from './runtime-args';
import { stateLines } from './state-lines';

const [kind, ...args] = decodeRuntimeArgs(process.argv.slice(2));
if (!kind || !isGateStateKind(kind)) {
  process.stdout.write(`unknown state kind ${kind}\n`);
} else {
  stateLines(process.cwd(), { kind, args })
    .then((lines) => process.stdout.write(`${lines.join('\n')}\n`))
    // State nobody could read must never match a cached key: the gate runs and decides for itself.
    .catch((error: NodeJS.ErrnoException) => process.stdout.write(`unreadable: ${error.code ?? error.name} ${randomUUID()}\n`));
}
