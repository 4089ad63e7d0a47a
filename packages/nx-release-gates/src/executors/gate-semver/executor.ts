import { gateExecutor } from '../gate/run-gate';

export default gateExecutor('semver');
