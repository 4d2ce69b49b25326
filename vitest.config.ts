import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Both cores (vitest's default leaves one free): the slowest files (action, package) mostly
    // wait for their child processes, and the rest run beside them.
    maxWorkers: 2,
    // Test files share their worker's module cache, so ts-morph and the engine load once per
    // worker, not once per file. Safe while no test mocks modules or mutates globals.
    isolate: false,
  },
});
