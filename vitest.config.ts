import { defineConfig } from 'vitest/config';

// Two projects: fast unit/property tests in parallel, and suites that start real processes (CLI, sandboxes, servers)
// run one file at a time so a busy 2-core machine does not turn time limits into flakes.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'templates/**/*.test.ts', 'verifiers/**/*.test.ts', 'pipeline/**/*.test.ts', 'sandbox/**/*.test.ts'],
          exclude: ['**/*.serial.test.ts', '**/node_modules/**'],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'serial',
          include: ['test/**/*.test.ts', '**/*.serial.test.ts'],
          exclude: ['**/node_modules/**'],
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
