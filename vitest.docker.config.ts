import { defineConfig } from 'vitest/config';

// CI asks for a machine-readable report beside the usual output (see .ci/run).
const jsonReport = process.env.VITEST_JSON_REPORT;

// `pnpm test:docker`: needs a Docker engine, so it is apart from `pnpm test` (whose includes never
// match *.docker.test.ts). It builds the images (infra/docker/build-images.sh; cached by content),
// runs the compose stack, and runs the end-to-end pipeline test once more against Kafka and Redis
// that the test kit starts as containers with testcontainers — the same test file, another set-up.
// Ryuk, testcontainers' reaper, is one more image from a registry; every container here is removed
// by the test kit's teardown instead (and by label in CI if a run dies). Read by testcontainers.
process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
// OUTBOX_KAFKA_IMAGE and OUTBOX_REDIS_IMAGE choose other images than the locally built ones (the
// official ones, say) for the compose tests and the test kit's containers alike; the compose
// commands run with this environment (PATH, DOCKER_HOST, …) beside the variables they set.
const imageOverrides = Object.fromEntries(
  ['OUTBOX_KAFKA_IMAGE', 'OUTBOX_REDIS_IMAGE'].flatMap((key) => (process.env[key] ? [[key, process.env[key]]] : [])),
);
const hostEnv = Object.fromEntries(
  Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined),
);
export default defineConfig({
  test: {
    reporters: jsonReport ? ['default', 'json'] : ['default'],
    outputFile: jsonReport ? { json: jsonReport } : undefined,
    provide: { imageOverrides, hostEnv },
    include: ['tests/docker/**/*.docker.test.ts', 'tests/e2e/pipeline.int.test.ts'],
    globalSetup: ['./tests/docker/support/docker-global-setup.ts', './packages/testkit/src/container-global-setup.ts'],
    setupFiles: ['./packages/testkit/src/setup-file.ts'],
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 120_000,
  },
});
