/**
 * Runtime cache input of the cacheable gates that read outside state (Nx runs it from the workspace root before
 * hashing): `node <this script> <kind> [cargo workspace root]`, encoded as runtime-args.ts does. Prints the state the
 * gate's answer depends on (state-lines.ts). Never fails: a failing runtime input would stop every Nx run in the
 * workspace.
 */
import { isGateStateKind } from '../model/state-kinds';
import { decodeRuntimeArgs } from './runtime-args';
import { stateLines } from './state-lines';

const [kind, cargoRoot] = decodeRuntimeArgs(process.argv.slice(2));
if (!kind || !isGateStateKind(kind)) {
  process.stdout.write(`unknown state kind ${kind}\n`);
} else {
  stateLines(process.cwd(), { kind, cargoRoot })
    .then((lines) => process.stdout.write(`${lines.join('\n')}\n`))
    .catch((error: NodeJS.ErrnoException) => process.stdout.write(`unreadable: ${error.code ?? error.name}\n`));
}
