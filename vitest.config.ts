import { defineConfig } from 'vitest/config';

// Three kinds of tests: unit (pure logic), integration (a real Docker engine), e2e (the bridge in a
// real Chromium). Integration and e2e share one Docker engine, so their files run one at a time.
export default defineConfig({
  test: {
    reporters: ['default'],
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'node' } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 900_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts', 'test/electron/**/*.test.ts'],
          testTimeout: 240_000,
          hookTimeout: 900_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
