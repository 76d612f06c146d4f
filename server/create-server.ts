// The composition root of the server: store, rooms, express app, WebSocket upgrades and the
// listening http server. The only server module that picks adapters.
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Express, Router } from 'express'
import type { Registry } from 'prom-client'
import { TesseraError, type Store } from '../src/index.js'
import { createPostgresStore } from './adapters/postgres-store.js'
import { createRedisFanout } from './adapters/redis-fanout.js'
import { createSqliteStore } from './adapters/sqlite-store.js'
import { createCluster, type Cluster } from './cluster/cluster.js'
import { checkExposure, createSecurity } from './access/security.js'
import { createApp } from './http/app.js'
import { createQueryRoutes } from './http/query-routes.js'
import { createTablesRoutes, createUseTable, type RoutesContext } from './http/tables-routes.js'
import { createUpgrades, type UpgradeHandler } from './http/upgrade.js'
import { createMetrics } from './metrics.js'
import { parseServerOptions, type ResolvedServerOptions, type ServerOptions } from './options.js'
import { createRooms } from './rooms.js'

/** A running (or mountable) Tessera server. */
export interface Server {
  /** `http://host:port` it listens on; undefined when created with `listen: false`. */
  readonly url: string | undefined
  /** The http server it listens on; undefined with `listen: false`. */
  readonly httpServer: HttpServer | undefined
  /** The express app: `/healthz`, `/metrics`, `/tables/...` and the demo at `/`. Mountable. */
  readonly app: Express
  /** Attach to any http server's `upgrade` event to serve `ws://host/<table>`. */
  readonly handleUpgrade: UpgradeHandler
  /** The server's own Prometheus registry. */
  readonly registry: Registry
  /** The store it persists to. */
  readonly store: Store
  /** Names of the tables held in memory. */
  loadedTables(): string[]
  /** Stops accepting, closes connections (1001), flushes and unloads every table, closes the store. */
  close(): Promise<void>
}

/** Options of `createServer`: the server options plus `listen`. */
export interface CreateServerOptions extends ServerOptions {
  /** false: do not listen; mount `app` and `handleUpgrade` into your own server. Default true. */
  listen?: boolean
}

/** The package root (where package.json is), from source or from dist/. */
const packageRoot = (): string => {
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir)
  return dir
}

/**
 * Creates a Tessera sync server and, unless `listen` is false, starts listening.
 * @example
 * const server = await createServer({ host: '127.0.0.1', port: 0, dbPath: './data/tessera.db' })
 * console.log(server.url)
 * await server.close()
 * @throws INVALID_ARGUMENT for unknown or invalid options
 * @throws STORAGE_FAILURE when the database cannot be opened
 */
export async function createServer(input: CreateServerOptions = {}): Promise<Server> {
  const { listen = true, ...rest } = input
  const options = parseServerOptions(rest, join(packageRoot(), 'dist', 'demo'))
  checkExposure(options, listen)
  const { logger } = options
  const store = options.store ?? (await openStore(options))
  const cluster = await joinCluster(options, store)
  const metrics = createMetrics()
  const rooms = createRooms({
    store,
    metrics,
    logger,
    compactAfterUpdates: options.compactAfterUpdates,
    compactAfterBytes: options.compactAfterBytes,
    idleUnloadMs: options.idleUnloadMs,
    ...(cluster === undefined ? {} : { cluster }),
    onStorageFailure: (table, error) => {
      logger.error(`table "${table}": storing updates failed; its connections were closed`, error)
      options.onError?.(error)
    },
  })
  const security = createSecurity(options)
  const context: RoutesContext = { rooms, store, options, ...security }
  const useTable = createUseTable(context)
  const tableRouters: Router[] = [
    createTablesRoutes(context, useTable),
    security.historyRoutes(useTable),
    createQueryRoutes(useTable),
  ]
  const app = createApp({
    rooms,
    metrics,
    logger,
    maxMessageBytes: options.maxMessageBytes,
    staticDir: options.staticDir,
    tableRouters,
    authRouter: security.authRouter,
  })
  const upgrades = createUpgrades(rooms, metrics, options, security)

  let httpServer: HttpServer | undefined
  let url: string | undefined
  if (listen) {
    httpServer = createHttpServer(app)
    httpServer.on('upgrade', upgrades.handleUpgrade)
    url = await listenOn(httpServer, options.host, options.port)
  }

  let closing: Promise<void> | undefined
  const close = async (): Promise<void> => {
    const server = httpServer
    const stopped =
      server === undefined
        ? Promise.resolve()
        : new Promise<void>((resolve) =>
            server.close(() => {
              resolve()
            }),
          )
    upgrades.close()
    server?.closeAllConnections()
    await stopped
    await rooms.close()
    await cluster?.close()
    security.close()
    await store.close()
    logger.info('tessera stopped; every table was flushed')
  }
  return {
    url,
    httpServer,
    app,
    handleUpgrade: upgrades.handleUpgrade,
    registry: metrics.registry,
    store,
    loadedTables: () => rooms.loaded(),
    close: () => (closing ??= close()),
  }
}

/** The store the options name: PostgreSQL with `postgresUrl`, else the SQLite file. */
const openStore = async (options: ResolvedServerOptions): Promise<Store> => {
  if (options.postgresUrl === undefined) {
    return createSqliteStore({ path: options.dbPath, synchronous: options.sqliteSynchronous })
  }
  return createPostgresStore({
    url: options.postgresUrl,
    onError: (error) => {
      options.logger.error('PostgreSQL: an idle connection failed', error)
    },
  })
}

/** With `redisUrl`: joins the other nodes on the same store (docs/scaling.md). */
const joinCluster = async (
  options: ResolvedServerOptions,
  store: Store,
): Promise<Cluster | undefined> => {
  if (options.redisUrl === undefined) return undefined
  const report = (error: TesseraError): void => {
    options.logger.error(`cluster: ${error.message}`, error)
    options.onError?.(error)
  }
  let fanout
  try {
    fanout = await createRedisFanout({ url: options.redisUrl, onError: report })
  } catch (error) {
    if (options.store === undefined) await store.close()
    throw error
  }
  return createCluster({ fanout, store, onError: report })
}

const listenOn = (server: HttpServer, host: string, port: number): Promise<string> =>
  new Promise((resolve, reject) => {
    const onError = (cause: Error): void => {
      reject(
        new TesseraError(
          'INVALID_ARGUMENT',
          `cannot listen on ${host}:${port}: ${cause.message}; pick another port or host`,
          { cause },
        ),
      )
    }
    server.once('error', onError)
    server.listen(port, host, () => {
      server.off('error', onError)
      const address = server.address()
      const actual = typeof address === 'object' && address !== null ? address.port : port
      const shown = host.includes(':') ? `[${host}]` : host
      resolve(`http://${shown}:${actual}`)
    })
  })
