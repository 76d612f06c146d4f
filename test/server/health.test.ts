// What /healthz says for each state of the engines (the same over real PostgreSQL and Redis is in
// test/cluster/health.test.ts): 503 only when PostgreSQL does not answer.
import { describe, expect, it } from 'vitest'
import type { ClusterStatus } from '../../server/cluster/cluster.js'
import { Registry } from 'prom-client'
import { healthReport, registerStorageMetrics } from '../../server/health.js'
import type { PostgresCheck } from '../../server/open-storage.js'

const cluster = (isFanoutUp: boolean): ClusterStatus => ({
  nodeId: 'n1',
  isFanoutUp,
  otherNodes: 2,
  tables: 1,
  updatesReceived: 0,
  storeReads: 0,
  publishFailures: 0,
  staleMessages: 0,
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

describe('registerStorageMetrics', () => {
  it('reads the engines and the cluster at each scrape; counters grow by what happened since', async () => {
    const registry = new Registry()
    let status = cluster(true)
    let postgres: PostgresCheck = { isReachable: true, latencyMs: 4 }
    let checks = 0
    const check = () => {
      checks++
      return Promise.resolve({ postgres, cluster: status })
    }
    registerStorageMetrics(registry, check, { postgres: true, cluster: true })
    const scrape = async () => {
      const text = await registry.metrics()
      return (name: string) => text.split('\n').find((line) => line.startsWith(name))
    }
    let read = await scrape()
    // One PostgreSQL query per scrape, however many metrics read it.
    expect(checks).toBe(1)
    expect(read('tessera_postgres_up ')).toBe('tessera_postgres_up 1')
    expect(read('tessera_postgres_ping_seconds ')).toBe('tessera_postgres_ping_seconds 0.004')
    expect(read('tessera_redis_up ')).toBe('tessera_redis_up 1')
    expect(read('tessera_cluster_nodes ')).toBe('tessera_cluster_nodes 3')
    expect(read('tessera_node_info{')).toBe('tessera_node_info{node="n1"} 1')
    status = {
      ...status,
      isFanoutUp: false,
      updatesReceived: 7,
      storeReads: 2,
      publishFailures: 1,
      staleMessages: 3,
    }
    postgres = { isReachable: false, error: 'down' }
    read = await scrape()
    expect(read('tessera_postgres_up ')).toBe('tessera_postgres_up 0')
    expect(read('tessera_redis_up ')).toBe('tessera_redis_up 0')
    expect(read('tessera_cluster_updates_received_total ')).toBe(
      'tessera_cluster_updates_received_total 7',
    )
    status = { ...status, updatesReceived: 10 }
    read = await scrape()
    expect(read('tessera_cluster_updates_received_total ')).toBe(
      'tessera_cluster_updates_received_total 10',
    )
    expect(read('tessera_cluster_store_reads_total ')).toBe('tessera_cluster_store_reads_total 2')
    expect(read('tessera_cluster_stale_messages_total ')).toBe(
      'tessera_cluster_stale_messages_total 3',
    )
    expect(read('tessera_cluster_publish_failures_total ')).toBe(
      'tessera_cluster_publish_failures_total 1',
    )
  })

  it('registers nothing for a single node on SQLite', async () => {
    const registry = new Registry()
    registerStorageMetrics(registry, () => Promise.resolve({}), { postgres: false, cluster: false })
    expect(await registry.metrics()).toBe('\n')
  })
})
