import { defineConfig } from 'vitest/config';

// CI asks for a machine-readable report beside the usual output (see .ci/run).
const jsonReport = process.env.VITEST_JSON_REPORT;

export default defineConfig({
  test: {
    reporters: jsonReport ? ['default', 'json'] : ['default'],
    outputFile: jsonReport ? { json: jsonReport } : undefined,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{apps,packages}/*/src/**/*.test.ts', 'bench/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/node_modules/**'],
          // Pure logic without services or processes: files run side by side, one worker thread per
          // core (the default leaves one core free, which on 2 cores ran them one after another).
          pool: 'threads',
          maxWorkers: '100%',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['{apps,packages}/*/src/**/*.int.test.ts', 'tests/**/*.int.test.ts'],
          // One real broker and Redis for the run; files run one after another on a 2-core machine,
          // since each spawns worker processes of its own.
          globalSetup: ['./packages/testkit/src/global-setup.ts'],
          setupFiles: ['./packages/testkit/src/setup-file.ts'],
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
