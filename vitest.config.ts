import { defineConfig } from 'vitest/config'
import { hasServices, ServicesSkipReporter } from './test/services/skip-reporter.js'

const propertyRuns = process.env.TESSERA_PROPERTY_RUNS ?? ''

const jsonReport = process.env.TESSERA_VITEST_JSON

export default defineConfig({
  test: {
    reporters: [
      'default',
      ...(jsonReport ? ['json' as const] : []),
      // One line when the multi-node tests are skipped for want of PostgreSQL and Redis.
      new ServicesSkipReporter(),
    ],
    ...(jsonReport ? { outputFile: { json: jsonReport } } : {}),
    // The coverage gate (STYLE.md §2.6), checked by `vitest run --coverage` in `npm test` only,
    // so focused runs stay fast. Thresholds sit a little under the measured figures (README).
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts', 'client/**/*.ts', 'server/**/*.ts'],
      // The demo and the React hooks run in Chromium (test/browser) and main.ts in child
      // processes: V8 in the test workers sees none of them.
      // The PostgreSQL and Redis adapters only run with their servers (test/cluster/).
      exclude: [
        'test/**',
        'client/demo/**',
        'client/react/**',
        'server/main.ts',
        '**/*.d.ts',
        ...(hasServices() ? [] : ['server/adapters/postgres-*.ts', 'server/adapters/redis-*.ts']),
      ],
      reporter: ['text-summary', 'html', 'json-summary'],
      thresholds: {
        'src/**': { lines: 95, statements: 93, branches: 88, functions: 94 },
        'client/**': { lines: 90, statements: 87, branches: 80, functions: 87 },
        'server/**': { lines: 94, statements: 92, branches: 82, functions: 95 },
      },
    },
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
