// Prints one closing line for CI, "tests: N passed, N failed", from the JSON reports jest wrote in npm test.
import * as fs from 'node:fs';

let passed = 0;
let failed = 0;
for (const file of ['tmp/jest-unit.json', 'tmp/jest-e2e.json']) {
  if (!fs.existsSync(file)) {
    console.log(`${file} is missing: that suite did not run`);
    failed += 1;
    continue;
  }
  const report = JSON.parse(fs.readFileSync(file, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests + (report.numRuntimeErrorTestSuites ?? 0);
}
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
