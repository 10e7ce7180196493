import { defineConfig } from 'vitest/config';

// CI asks for a machine-readable report beside the usual output (see .ci/run).
const jsonReport = process.env.VITEST_JSON_REPORT;

// `pnpm test:chaos`: the full fault matrix, apart from `pnpm test` (whose include never matches
// *.chaos.test.ts). The same broker and Redis set-up as the integration project; the files run one
// after another, since each spawns worker processes and some stop or freeze services of their own.
// `pnpm test:chaos:exactly-once` (CHAOS_MATRIX=exactly-once): the faults again with exactly-once
// delivery, kept out of CI's run for its time (tests/chaos/README.md).
const exactlyOnce = process.env.CHAOS_MATRIX === 'exactly-once';
// The matrix runs with either Kafka client and in either delivery mode when asked:
// `KAFKA_CLIENT=platformatic pnpm test:chaos`, `OUTBOX_DELIVERY=exactly-once pnpm test:chaos`.
const chaosAppSettings = Object.fromEntries(
  ['KAFKA_CLIENT', 'OUTBOX_DELIVERY'].flatMap((key) => (process.env[key] ? [[key, process.env[key]]] : [])),
);
export default defineConfig({
  test: {
    reporters: jsonReport ? ['default', 'json'] : ['default'],
    outputFile: jsonReport ? { json: jsonReport } : undefined,
    provide: { chaosAppSettings },
    include: [exactlyOnce ? 'tests/chaos/exactly-once/*.chaos.test.ts' : 'tests/chaos/*.chaos.test.ts'],
    globalSetup: ['./packages/testkit/src/global-setup.ts'],
    setupFiles: ['./packages/testkit/src/setup-file.ts'],
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 120_000,
  },
});
