import * as fs from 'node:fs';
import * as path from 'node:path';
import { OPTION_DEFINITIONS, toKebabCase } from './options';
import { GATE_SPECS as GATES, gateTarget } from './catalog';

// README is part of the product: every option (both spellings) and every gate must be documented there.
const README = fs.readFileSync(path.join(__dirname, '..', '..', '..', '..', 'README.md'), 'utf8');

describe('README documents', () => {
  it.each(OPTION_DEFINITIONS.map((d) => d.name))('option %s in camelCase and its Cargo.toml key', (name) => {
    expect(README).toContain(`| \`${name}\` (\`${toKebabCase(name)}\`) |`);
  });

  it.each(GATES.map((g) => gateTarget(g)))('gate %s in the gate table', (target) => {
    expect(README).toContain(`| \`${target}\` |`);
  });
});
