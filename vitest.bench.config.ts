import { defineConfig } from 'vitest/config'

// Benchmarks run one file at a time in a forked process with an exposed GC (heap figures),
// apart from `npm test`: `npm run bench`, or `npm run bench -- test/bench/layout.bench.ts`.
export default defineConfig({
  test: {
    include: ['test/bench/**/*.bench.ts'],
    pool: 'forks',
    execArgv: ['--expose-gc', '--max-old-space-size=12288'],
    fileParallelism: false,
    testTimeout: 1_800_000,
    hookTimeout: 600_000,
  },
})
