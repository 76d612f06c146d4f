// One node of a cluster inside the test process: a fanout from an in-process hub (no Redis), its
// cluster and its rooms over a shared store, all closed when the test finishes. For the cluster
// logic without services (test/server/cluster*.test.ts, snapshot-v2.test.ts); the same over real
// Redis and PostgreSQL is test/cluster/.
import { onTestFinished } from 'vitest'
import type { Store } from '../../src/index.js'
import type { MemoryFanoutHub } from '../../server/adapters/memory-fanout.js'
import { createCluster } from '../../server/cluster/cluster.js'
import { createMetrics } from '../../server/metrics.js'
import { createRooms } from '../../server/rooms.js'

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined }

/** What a test may change about a node; the rest is fixed (no size-based compaction, 1 min idle). */
export interface InProcessNodeOptions {
  /** The cluster's node timeout; the cluster's default when absent. */
  nodeTimeoutMs?: number
  /** Compact after this many log entries (default 1,000). */
  compactAfterUpdates?: number
  /** History kept behind the newest snapshot (default 60 s). */
  historyRetentionMs?: number
}

/** Starts a node on `hub` over `store`; `errors` collects what the cluster reports. */
export async function startInProcessNode(
  hub: MemoryFanoutHub,
  store: Store,
  options: InProcessNodeOptions = {},
) {
  const fanout = hub.connect()
  const errors: unknown[] = []
  const cluster = await createCluster({
    fanout,
    store,
    gapWaitMs: 10,
    onError: (error) => errors.push(error),
    ...(options.nodeTimeoutMs === undefined ? {} : { nodeTimeoutMs: options.nodeTimeoutMs }),
  })
  const metrics = createMetrics()
  const rooms = createRooms({
    store,
    metrics,
    logger: silent,
    compactAfterUpdates: options.compactAfterUpdates ?? 1000,
    compactAfterBytes: 1 << 30,
    historyRetentionMs: options.historyRetentionMs ?? 60_000,
    idleUnloadMs: 60_000,
    onStorageFailure: () => undefined,
    cluster,
  })
  onTestFinished(async () => {
    await rooms.close()
    await cluster.close()
  })
  return { fanout, cluster, rooms, metrics, errors }
}
