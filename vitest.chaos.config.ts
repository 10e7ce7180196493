import { defineConfig } from 'vitest/config';

// CI asks for a machine-readable report beside the usual output (see .ci/run).
const jsonReport = process.env.VITEST_JSON_REPORT;

// `pnpm test:chaos`: the full fault matrix and the faults that duplicate, again with exactly-once
// delivery (tests/chaos/README.md); apart from `pnpm test`, whose include never matches
// *.chaos.test.ts. The same broker and Redis set-up as the integration project; the files run one
// after another, since each spawns worker processes and some stop or freeze services of their own.
// CHAOS_MATRIX=main or exactly-once runs one of the two
// (`pnpm test:chaos:exactly-once`).
const matrices = {
  main: 'tests/chaos/*.chaos.test.ts',
  'exactly-once': 'tests/chaos/exactly-once/*.chaos.test.ts',
};
const chosen = process.env.CHAOS_MATRIX;
if (chosen !== undefined && !(chosen in matrices))
  throw new Error(`CHAOS_MATRIX=${chosen}: expected ${Object.keys(matrices).join(' or ')}`);
const include = chosen ? [matrices[chosen as keyof typeof matrices]] : Object.values(matrices);
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
    include,
    globalSetup: ['./packages/testkit/src/global-setup.ts'],
    setupFiles: ['./packages/testkit/src/setup-file.ts'],
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 120_000,
  },
});
