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
    // expect.poll waits for something another process or a timer does: 1 s (the default) is
    // short on a 2-core machine running two test files and their servers side by side.
    expect: { poll: { timeout: 5_000 } },
  },
});
