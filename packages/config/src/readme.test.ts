import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { envKeys } from './env-keys.ts';

describe('README configuration table', () => {
  it('documents every setting with its config path', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    for (const [key, path] of Object.entries(envKeys)) {
      expect(readme, key).toContain(path === null ? `| \`${key}\` |` : `| \`${key}\` | \`${path}\` |`);
    }
  });
});
