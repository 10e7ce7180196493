import { join } from 'node:path';
import { projectRoot } from '@outbox/infra';
import { testEnvironment, useApps, waitFor } from '@outbox/testkit';
import { describe, expect, it } from 'vitest';

const start = useApps();
const recorder = join(projectRoot, 'tests', 'support', 'record-loaded-modules.mjs');

/** What a publisher needs only Redis and Kafka for must not pull in the capture side's code. */
const forbidden = [
  /node_modules\/.*better-sqlite3\//,
  /node_modules\/.*@bull-board\//,
  /packages\/outbox-store\//,
  /packages\/rest-api\/src\/(?!api-client[.]ts)/, // its HTTP client is what CLI commands call the API with
  /packages\/pipeline\/src\/(capture|admin|status)\//,
];

describe('a publisher process', () => {
  for (const [what, app, args] of [
    ['the publisher app', 'publisher-worker', []],
    ['`outbox publisher`', 'cli', ['publisher']],
  ] as const) {
    it(`${what} loads no SQLite, REST API, status page or Bull Board code`, async () => {
      const { env } = testEnvironment();
      // A publisher takes its partition count from the capture worker.
      start('capture-worker', env);
      const publisher = start(app, { ...env, NODE_OPTIONS: `--import=${recorder}` }, [...args]);
      await waitFor('the publisher to start', () => publisher.output().includes('publisher worker started'), {
        timeoutMs: 30_000,
      });
      await publisher.stop('SIGTERM');
      const line =
        publisher
          .output()
          .split('\n')
          .find((l) => l.startsWith('loaded modules: ')) ?? '';
      const modules = JSON.parse(line.slice('loaded modules: '.length) || '[]') as string[];
      // The recorder works: the publisher's own code and its clients are in the list.
      expect(modules.some((url) => url.includes('packages/pipeline/src/publisher/publisher-worker.ts'))).toBe(true);
      expect(modules.some((url) => /node_modules\/.*kafkajs\//.test(url))).toBe(true);
      expect(modules.filter((url) => forbidden.some((pattern) => pattern.test(url)))).toEqual([]);
      console.log(`${what}: ${modules.length} modules loaded, none of the capture side's`);
    });
  }
});
