import { defineConfig } from 'vitest/config';

// CI asks for a machine-readable report beside the usual output (see .ci/run).
const jsonReport = process.env.VITEST_JSON_REPORT;

// `pnpm test:docker`: needs a Docker engine, so it is apart from `pnpm test` (whose includes never
// match *.docker.test.ts). It builds the images (infra/docker/build-images.sh; cached by content),
// runs the compose stack, and runs the end-to-end pipeline test once more against Kafka and Redis
// that the test kit starts as containers with testcontainers — the same test file, another set-up.
export default defineConfig({
  test: {
    reporters: jsonReport ? ['default', 'json'] : ['default'],
    outputFile: jsonReport ? { json: jsonReport } : undefined,
    include: ['tests/docker/**/*.docker.test.ts', 'tests/e2e/pipeline.int.test.ts'],
    globalSetup: ['./tests/docker/support/docker-global-setup.ts', './packages/testkit/src/container-global-setup.ts'],
    setupFiles: ['./packages/testkit/src/setup-file.ts'],
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 120_000,
  },
});
