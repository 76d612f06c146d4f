import { defineConfig } from 'vitest/config'

const propertyRuns = process.env.TESSERA_PROPERTY_RUNS ?? ''

const jsonReport = process.env.TESSERA_VITEST_JSON

export default defineConfig({
  test: {
    reporters: jsonReport ? ['default', 'json'] : ['default'],
    ...(jsonReport ? { outputFile: { json: jsonReport } } : {}),
    projects: [
      {
        test: {
          name: 'node',
          include: ['test/**/*.test.ts'],
          exclude: ['test/browser/**', 'test/bench/**'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          env: { TESSERA_PROPERTY_RUNS: propertyRuns },
        },
      },
      {
        test: {
          // Real Chromium driven by playwright-core from Node (test/browser/demo-server.ts).
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
})
