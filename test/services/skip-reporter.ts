// A vitest reporter that says, in one line, how many multi-node tests were skipped because no
// PostgreSQL and Redis were given (TESSERA_TEST_POSTGRES_URL, TESSERA_TEST_REDIS_URL).
import type { Reporter, TestModule } from 'vitest/node'

/** True when the multi-node tests have their servers. */
export const hasServices = (env: NodeJS.ProcessEnv = process.env): boolean =>
  Boolean(env.TESSERA_TEST_POSTGRES_URL) && Boolean(env.TESSERA_TEST_REDIS_URL)

/** Prints "PostgreSQL/Redis not reachable: N multi-node tests skipped; ..." at the end of a run. */
export class ServicesSkipReporter implements Reporter {
  onTestRunEnd(testModules: readonly TestModule[]): void {
    if (hasServices()) return
    let skipped = 0
    for (const module of testModules) {
      if (!module.moduleId.includes('/test/cluster/')) continue
      for (const test of module.children.allTests())
        if (test.result().state === 'skipped') skipped++
    }
    if (skipped === 0) return
    process.stdout.write(
      `\nPostgreSQL/Redis not reachable (TESSERA_TEST_POSTGRES_URL, TESSERA_TEST_REDIS_URL unset): ${skipped} multi-node tests skipped; see docs/scaling.md ("Testing")\n`,
    )
  }
}
