import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup/fast-check.ts'],
    // Records every child a test starts and fails the run if one outlives it (see test/helpers/processes.ts).
    globalSetup: ['test/setup/processes.ts', 'test/setup/shared-data.ts'],
    benchmark: { include: ['test/**/*.bench.ts'] },
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
  },
});
