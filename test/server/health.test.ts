// What /healthz says for each state of the engines (the same over real PostgreSQL and Redis is in
// test/cluster/health.test.ts): 503 only when PostgreSQL does not answer.
import { describe, expect, it } from 'vitest'
import type { ClusterStatus } from '../../server/cluster/cluster.js'
import { healthReport } from '../../server/health.js'

const cluster = (isFanoutUp: boolean): ClusterStatus => ({
  nodeId: 'n1',
  isFanoutUp,
  otherNodes: 2,
  tables: 1,
  updatesReceived: 0,
  storeReads: 0,
  publishFailures: 0,
})

describe('healthReport', () => {
  it('a single node on SQLite is ok with its table count only', () => {
    expect(healthReport({}, 3)).toEqual({ httpStatus: 200, report: { status: 'ok', tables: 3 } })
  })

  it('a node of a deployment names itself, the nodes it hears, and both engines', () => {
    const check = {
      postgres: { isReachable: true, latencyMs: 1.234 },
      cluster: cluster(true),
    }
    expect(healthReport(check, 0)).toEqual({
      httpStatus: 200,
      report: {
        status: 'ok',
        tables: 0,
        node: 'n1',
        nodes: 3,
        redis: { isConnected: true },
        postgres: { isReachable: true, latencyMs: 1.2 },
      },
    })
  })

  it('Redis down is degraded but stays in rotation; PostgreSQL down is unavailable (503)', () => {
    const up = { isReachable: true, latencyMs: 1 }
    const down = { isReachable: false, error: 'no answer within 2000 ms' }
    expect(healthReport({ postgres: up, cluster: cluster(false) }, 0)).toMatchObject({
      httpStatus: 200,
      report: { status: 'degraded' },
    })
    expect(healthReport({ postgres: down, cluster: cluster(false) }, 0)).toMatchObject({
      httpStatus: 503,
      report: { status: 'unavailable', postgres: { isReachable: false } },
    })
  })
})
