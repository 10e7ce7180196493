import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { envKeys } from './env-keys.ts';

describe('configuration table in docs/configuration.md', () => {
  it('documents every setting with its config path', () => {
    const doc = readFileSync(new URL('../../../docs/configuration.md', import.meta.url), 'utf8');
    for (const [key, path] of Object.entries(envKeys)) {
      expect(doc, key).toContain(path === null ? `| \`${key}\` |` : `| \`${key}\` | \`${path}\` |`);
    }
  });
});
