// What a node says about itself and the engines it depends on: the body of `GET /healthz` for
// load balancers, and the gauges of the engines and the other nodes in `GET /metrics`.
// Knows the Storage's check, not its adapters.
import { Counter, Gauge, type Registry } from 'prom-client'
import type { StorageCheck } from './open-storage.js'

/** `GET /healthz`'s body (docs/operations.md, "Health and metrics"). */
export interface HealthReport {
  /**
   * `ok`; `degraded`: Redis is unreachable, so updates are saved but reach the other nodes only
   * once it is back; `unavailable`: PostgreSQL does not answer, so nothing can be saved.
   */
  readonly status: 'ok' | 'degraded' | 'unavailable'
  /** Tables loaded on this node. */
  readonly tables: number
  /** With `redisUrl`: this node's id and how many nodes it hears, itself included. */
  readonly node?: string
  readonly nodes?: number
  readonly postgres?: { readonly isReachable: boolean; readonly latencyMs?: number }
  readonly redis?: { readonly isConnected: boolean }
}

/** The report, and the HTTP status a load balancer reads: 503 only when nothing can be saved. */
export function healthReport(
  check: StorageCheck,
  tables: number,
): { httpStatus: number; report: HealthReport } {
  const { postgres, cluster } = check
  const status =
    postgres?.isReachable === false
      ? 'unavailable'
      : cluster?.isFanoutUp === false
        ? 'degraded'
        : 'ok'
  const report: HealthReport = {
    status,
    tables,
    ...(cluster === undefined
      ? {}
      : {
          node: cluster.nodeId,
          nodes: cluster.otherNodes + 1,
          redis: { isConnected: cluster.isFanoutUp },
        }),
    ...(postgres === undefined
      ? {}
      : {
          postgres: {
            isReachable: postgres.isReachable,
            ...(postgres.latencyMs === undefined
              ? {}
              : { latencyMs: Math.round(postgres.latencyMs * 10) / 10 }),
          },
        }),
  }
  return { httpStatus: status === 'unavailable' ? 503 : 200, report }
}

/**
 * Registers the gauges of the engines and the deployment on `registry`, read from `check` at
 * each scrape (a scrape runs one trivial PostgreSQL query). Nothing is registered for a node
 * without PostgreSQL or Redis.
 */
export function registerStorageMetrics(
  registry: Registry,
  check: () => Promise<StorageCheck>,
  has: { postgres: boolean; cluster: boolean },
): void {
  const registers = [registry]
  // One check per scrape, shared by every metric collected in it: a registry starts every
  // metric's collect in the same turn, so all of them join the check the first one started.
  let current: Promise<StorageCheck> | undefined
  const latest = (): Promise<StorageCheck> => {
    current ??= check().finally(() => {
      current = undefined
    })
    return current
  }
  if (has.postgres) {
    new Gauge({
      name: 'tessera_postgres_up',
      help: 'Whether PostgreSQL answered a trivial query within 2 s (1) or not (0).',
      registers,
      async collect() {
        this.set((await latest()).postgres?.isReachable === true ? 1 : 0)
      },
    })
    new Gauge({
      name: 'tessera_postgres_ping_seconds',
      help: 'Time PostgreSQL took to answer that query.',
      registers,
      async collect() {
        const latencyMs = (await latest()).postgres?.latencyMs
        if (latencyMs !== undefined) this.set(latencyMs / 1000)
      },
    })
  }
  if (has.cluster) registerClusterMetrics(registers, latest)
}

/** The node's view of the deployment: Redis, the other nodes, what crossed between them. */
function registerClusterMetrics(registers: Registry[], latest: () => Promise<StorageCheck>): void {
  const gauge = (name: string, help: string, read: (check: StorageCheck) => number): void => {
    new Gauge({
      name,
      help,
      registers,
      async collect() {
        this.set(read(await latest()))
      },
    })
  }
  new Gauge({
    name: 'tessera_node_info',
    help: 'This node, by the id /healthz shows and the other nodes know it by.',
    labelNames: ['node'],
    registers,
    async collect() {
      const node = (await latest()).cluster?.nodeId
      this.reset()
      if (node !== undefined) this.set({ node }, 1)
    },
  })
  gauge('tessera_redis_up', 'Whether the connection to Redis is up (1) or not (0).', (check) =>
    check.cluster?.isFanoutUp === true ? 1 : 0,
  )
  gauge(
    'tessera_cluster_nodes',
    'Nodes this node hears through Redis (heartbeats within 10 s), itself included.',
    (check) => (check.cluster?.otherNodes ?? 0) + 1,
  )
  const counter = (name: string, help: string, read: (check: StorageCheck) => number): void => {
    let reported = 0
    new Counter({
      name,
      help,
      registers,
      async collect() {
        const value = read(await latest())
        this.inc(value - reported)
        reported = value
      },
    })
  }
  counter(
    'tessera_cluster_updates_received_total',
    'Updates other nodes announced for tables loaded here (ticks included).',
    (check) => check.cluster?.updatesReceived ?? 0,
  )
  counter(
    'tessera_cluster_store_reads_total',
    'Reads from PostgreSQL to fill a gap, a tick or a Redis outage.',
    (check) => check.cluster?.storeReads ?? 0,
  )
  counter(
    'tessera_cluster_stale_messages_total',
    'Updates and compaction notices of an older generation of a table (S236), dropped.',
    (check) => check.cluster?.staleMessages ?? 0,
  )
  counter(
    'tessera_cluster_publish_failures_total',
    'Messages to the other nodes that could not be handed to Redis.',
    (check) => check.cluster?.publishFailures ?? 0,
  )
}
