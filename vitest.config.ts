import { defineConfig } from 'vitest/config';

// Unit and integration tests: src/**/*.test.ts, one fresh database per test file.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
