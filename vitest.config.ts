import { defineConfig } from 'vitest/config';

// Three kinds of tests: unit (pure logic), integration (a real Docker engine), e2e (the bridge in a
// real Chromium, and the Electron app where its binary exists). One file at a time: integration and
// e2e share one Docker engine and two CPU cores, and timing-sensitive lab starts must not starve.
export default defineConfig({
  test: {
    fileParallelism: false,
    // The slowest files last: CI keeps only the end of its log.
    reporters: ['default', './test/support/slowest-files-reporter.ts'],
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'node' } },
      {
        extends: true,
        test: { name: 'integration', include: ['test/integration/**/*.test.ts'], testTimeout: 180_000, hookTimeout: 900_000 },
      },
      {
        extends: true,
        test: { name: 'e2e', include: ['test/e2e/**/*.test.ts', 'test/electron/**/*.test.ts'], testTimeout: 240_000, hookTimeout: 900_000 },
      },
    ],
  },
});
