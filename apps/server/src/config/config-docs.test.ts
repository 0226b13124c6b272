import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from './config.schema.js';

const readme = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'README.md'), 'utf8');

describe('the README configuration table', () => {
  it.each(Object.keys(ConfigSchema.properties))('documents %s', (key) => {
    expect(readme).toMatch(new RegExp(`^\\| \`${key}\`[^|]*\\|`, 'm'));
  });
});
