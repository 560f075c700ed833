import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'src/**/*.test.ts',
      'tools/**/*.test.ts',
      'test/integration/**/*.test.ts',
      'test/lint/**/*.test.ts',
      'scripts/**/*.test.ts',
    ],
    environment: 'node',
    // Each file starts its own app and database, so files run side by side safely.
    maxWorkers: 2,
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
