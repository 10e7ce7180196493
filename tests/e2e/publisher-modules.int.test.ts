import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '@outbox/infra';
import { startOtlpReceiver, testEnvironment, useApps, waitFor } from '@outbox/testkit';
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
/**
 * Loaded only when tracing is configured: with no endpoint, tracing costs nothing. (OpenTelemetry's
 * API alone is always there: prom-client loads it.)
 */
const openTelemetry = [/node_modules\/.*@opentelemetry\/(?!api\/)/, /packages\/tracing\/src\/otel-/];

/** Every module a publisher loaded from its start to its graceful stop. */
async function modulesOfPublisher(app: string, args: readonly string[], overrides: Record<string, string> = {}) {
  const { env } = testEnvironment(overrides);
  // A publisher takes its partition count from the capture worker.
  start('capture-worker', env);
  const listFile = join(mkdtempSync(join(tmpdir(), 'loaded-modules-')), 'modules.json');
  const publisher = start(app, { ...env, NODE_OPTIONS: `--import=${recorder}`, LOADED_MODULES_FILE: listFile }, [...args]);
  await waitFor('the publisher to start', () => publisher.output().includes('publisher worker started'), {
    timeoutMs: 30_000,
  });
  expect(await publisher.stop('SIGTERM')).toBe(0);
  const modules = JSON.parse(readFileSync(listFile, 'utf8')) as string[];
  // The recorder works: the publisher's own code and its clients are in the list.
  expect(modules.some((url) => url.includes('packages/pipeline/src/publisher/publisher-worker.ts'))).toBe(true);
  expect(modules.some((url) => /node_modules\/.*kafkajs\//.test(url))).toBe(true);
  return modules;
}

const matching = (modules: readonly string[], patterns: readonly RegExp[]) =>
  modules.filter((url) => patterns.some((pattern) => pattern.test(url)));

describe('a publisher process', () => {
  for (const [what, app, args] of [
    ['the publisher app', 'publisher-worker', []],
    ['`outbox publisher`', 'cli', ['publisher']],
  ] as const) {
    it(`${what} loads no SQLite, REST API, status page, Bull Board or OpenTelemetry code`, async () => {
      const modules = await modulesOfPublisher(app, args);
      expect(matching(modules, [...forbidden, ...openTelemetry])).toEqual([]);
      console.log(`${what}: ${modules.length} modules loaded, none of the capture side's`);
    });
  }

  it('loads the OpenTelemetry SDK and exporter when an endpoint is configured, and still none of the capture side', async () => {
    const receiver = await startOtlpReceiver();
    try {
      const modules = await modulesOfPublisher('publisher-worker', [], { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint });
      const loaded = matching(modules, openTelemetry);
      for (const part of [
        '@opentelemetry/sdk-trace/',
        '@opentelemetry/exporter-trace-otlp-http/',
        'packages/tracing/src/otel-',
      ]) {
        expect(
          loaded.some((url) => url.includes(part)),
          part,
        ).toBe(true);
      }
      expect(matching(modules, forbidden)).toEqual([]);
    } finally {
      await receiver.close();
    }
  });
});
