// The composition root's choice of adapters for what a server stores and who it talks to: the
// SQLite file by default, PostgreSQL with `postgresUrl` (table data, audit log and revocations
// alike, so nothing stays on one node), a custom store, and Redis between nodes with `redisUrl`.
import type { Store, TesseraError } from '../src/index.js'
import type { SecurityPorts } from './access/security.js'
import { createPostgresAuditLog } from './adapters/postgres-audit-log.js'
import { openPostgres } from './adapters/postgres-database.js'
import { createPostgresRevocationList } from './adapters/postgres-revocation-list.js'
import { createPostgresStoreOn } from './adapters/postgres-store.js'
import { createRedisFanout } from './adapters/redis-fanout.js'
import { createSqliteAuditLogOn } from './adapters/sqlite-audit-log.js'
import type { AuditIndexFailure } from './adapters/sqlite-audit-indexer.js'
import { openSqlite } from './adapters/sqlite-database.js'
import { createSqliteRevocationList } from './adapters/sqlite-revocation-list.js'
import { createSqliteStoreOn } from './adapters/sqlite-store.js'
import { refuseUnfinishedCopy } from './copy-store.js'
import { createCluster, type Cluster, type ClusterStatus } from './cluster/cluster.js'
import type { ResolvedServerOptions } from './options.js'
import { createMemoryAuditLog } from './ports/memory-audit-log.js'
import { createMemoryRevocationList } from './ports/memory-revocation-list.js'

/** Whether PostgreSQL answered a trivial query within 2 s, and how fast. */
export interface PostgresCheck {
  readonly isReachable: boolean
  readonly latencyMs?: number
  readonly error?: string
}

/** The engines a server depends on, as it sees them now (`/healthz`, `/metrics`). */
export interface StorageCheck {
  /** With `postgresUrl`. */
  readonly postgres?: PostgresCheck
  /** With `redisUrl`: this node's view of the others (through Redis). */
  readonly cluster?: ClusterStatus
}

/** How long a health check waits for PostgreSQL. */
const pingTimeoutMs = 2000

/** What a server runs on. */
export interface Storage {
  readonly store: Store
  /** Where access control keeps the audit log and the revocation list. */
  readonly ports: SecurityPorts
  /** The other nodes on the same store (docs/scaling.md); absent on a single node. */
  readonly cluster: Cluster | undefined
  /** Checks the engines; never rejects. */
  check(): Promise<StorageCheck>
  /** Leaves the cluster, closes the ports, then the store unless it is a custom one. */
  close(): Promise<void>
}

/**
 * Opens the store, the access ports and the link to the other nodes the options name; what was
 * opened is closed again when a later step fails. A custom store (option `store`) is used as
 * given and never closed here. `hooks.onAuditIndexFailure` hears the failures of the SQLite audit
 * log's background index (S252).
 * @throws STORAGE_FAILURE naming the database or Redis that cannot be reached
 */
export async function openStorage(
  options: ResolvedServerOptions,
  hooks: { onAuditIndexFailure?: (failure: AuditIndexFailure) => void } = {},
): Promise<Storage> {
  const { postgresUrl, logger } = options
  const closers: (() => Promise<void>)[] = []
  const opened = <T extends { close(): Promise<void> }>(part: T): T => {
    closers.unshift(() => part.close())
    return part
  }
  const closeAll = async (): Promise<void> => {
    for (const close of closers.splice(0)) await close()
  }
  const onIdleError = (error: TesseraError): void => {
    logger.error('PostgreSQL: an idle connection failed', error)
  }
  try {
    let store: Store
    let ports: SecurityPorts
    let checkPostgres: (() => Promise<PostgresCheck>) | undefined
    if (postgresUrl !== undefined) {
      // One pool for the three ports; it closes after them.
      const database = opened(await openPostgres({ url: postgresUrl, onError: onIdleError }))
      store = opened(await createPostgresStoreOn(database))
      checkPostgres = () =>
        database.ping(pingTimeoutMs).then(
          (latencyMs) => ({ isReachable: true, latencyMs }),
          (error: unknown) => ({
            isReachable: false,
            error: error instanceof Error ? error.message : String(error),
          }),
        )
      ports = {
        auditLog: opened(await createPostgresAuditLog(database)),
        revocationList: opened(await createPostgresRevocationList(database)),
      }
    } else {
      // One connection for the store and the audit log: a turn's appends and the audit records
      // asked for in it are one commit (sqlite-database.ts).
      const database =
        options.store === undefined
          ? opened(
              openSqlite({
                path: options.dbPath,
                synchronous: options.sqliteSynchronous,
                schema: '',
                // S265: the WAL is copied back on a worker thread, off the event loop.
                checkpoints: 'worker',
                onCheckpointError: (error) => {
                  logger.error(error.message, error)
                },
              }),
            )
          : undefined
      store = options.store ?? opened(createSqliteStoreOn(database!, { path: options.dbPath }))
      // A custom store has no file to keep the audit log and revocations beside.
      ports = {
        auditLog: opened(
          database === undefined
            ? createMemoryAuditLog()
            : createSqliteAuditLogOn(database, {
                ...(hooks.onAuditIndexFailure === undefined
                  ? {}
                  : { onIndexFailure: hooks.onAuditIndexFailure }),
              }),
        ),
        revocationList: opened(
          database === undefined
            ? createMemoryRevocationList()
            : createSqliteRevocationList({ path: options.dbPath }),
        ),
      }
    }
    // S237: a copy that did not finish looks whole but is not: never serve it.
    await refuseUnfinishedCopy(
      store,
      postgresUrl === undefined ? `"${options.dbPath}"` : 'PostgreSQL',
    )
    const cluster = await joinCluster(options, store)
    if (cluster !== undefined) opened(cluster)
    const check = async (): Promise<StorageCheck> => ({
      ...(checkPostgres === undefined ? {} : { postgres: await checkPostgres() }),
      ...(cluster === undefined ? {} : { cluster: cluster.status() }),
    })
    return { store, ports, cluster, check, close: closeAll }
  } catch (error) {
    await closeAll()
    throw error
  }
}

/** With `redisUrl`: joins the other nodes on the same store (docs/scaling.md). */
async function joinCluster(
  options: ResolvedServerOptions,
  store: Store,
): Promise<Cluster | undefined> {
  if (options.redisUrl === undefined) return undefined
  const report = (error: TesseraError): void => {
    options.logger.error(`cluster: ${error.message}`, error)
    options.onError?.(error)
  }
  const fanout = await createRedisFanout({ url: options.redisUrl, onError: report })
  try {
    return await createCluster({
      fanout,
      store,
      onError: report,
      onNotice: (message) => {
        options.logger.warn(message)
      },
    })
  } catch (error) {
    await fanout.close()
    throw error
  }
}
