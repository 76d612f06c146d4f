// The composition root of the server: storage (open-storage.ts picks the adapters), rooms,
// access control, express app, WebSocket upgrades and the listening http server.
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http'
import { join } from 'node:path'
import type { Express, Router } from 'express'
import type { Registry } from 'prom-client'
import { TesseraError, type Store } from '../src/index.js'
import {
  checkExposure,
  createSecurity,
  type Security,
  type SecurityPorts,
} from './access/security.js'
import { createApp } from './http/app.js'
import { createExportRoute } from './csv/export-route.js'
import { createImportJobs } from './csv/import-jobs.js'
import { relayImportJobs } from './csv/import-relay.js'
import { createImportRoutes } from './csv/import-routes.js'
import { createAuditRoutes } from './http/audit-routes.js'
import { createAuthRoutes } from './http/auth-routes.js'
import { createHistoryRoutes } from './http/history-routes.js'
import { createQueryRoutes } from './http/query-routes.js'
import { createRestoreRoutes } from './http/restore-routes.js'
import { createTablesRoutes } from './http/tables-routes.js'
import { createUpgrades, type UpgradeHandler } from './http/upgrade.js'
import { createUseTable, type RoutesContext } from './http/use-table.js'
import { healthReport, registerStorageMetrics } from './health.js'
import { reportAuditIndexFailures } from './audit-index-report.js'
import { createMetrics, type Metrics } from './metrics.js'
import { openStorage, type Storage } from './open-storage.js'
import { parseServerOptions, type ResolvedServerOptions, type ServerOptions } from './options.js'
import { packageRoot } from './package-info.js'
import { createRooms, type Rooms } from './rooms.js'
import { readRulesFile, watchRulesFile } from './rules-file.js'

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
  // A broken rules file fails the start before anything is opened.
  if (options.rulesPath !== undefined) readRulesFile(options.rulesPath)
  const metrics = createMetrics()
  const storage = await openStorage(options, {
    onAuditIndexFailure: reportAuditIndexFailures(options.logger, metrics.registry),
  })
  registerStorageMetrics(metrics.registry, () => storage.check(), {
    postgres: options.postgresUrl !== undefined,
    cluster: storage.cluster !== undefined,
  })
  const { store, cluster } = storage
  const { logger } = options
  const rooms = createRooms({
    store,
    metrics,
    logger,
    compactAfterUpdates: options.compactAfterUpdates,
    compactAfterBytes: options.compactAfterBytes,
    historyRetentionMs: options.historyRetentionMs,
    idleUnloadMs: options.idleUnloadMs,
    joinSliceBytes: options.joinSliceBytes,
    ...(cluster === undefined ? {} : { cluster }),
    onStorageFailure: (table, error) => {
      logger.error(`table "${table}": storing updates failed; its connections were closed`, error)
      options.onError?.(error)
    },
  })
  let access: Access | undefined
  try {
    access = await openAccess(options, storage.ports)
    return await start(options, listen, storage, rooms, metrics, access)
  } catch (error) {
    await rooms.close()
    await access?.close()
    await storage.close()
    throw error
  }
}

/** Access control and the rules file watcher of one server. */
interface Access {
  readonly security: Security
  /** Stops watching and polling (the ports are closed with the storage). */
  close(): Promise<void>
}

/** Builds the routes and upgrades, and listens (unless `listen` is false). */
async function start(
  options: ResolvedServerOptions,
  listen: boolean,
  storage: Storage,
  rooms: Rooms,
  metrics: Metrics,
  access: Access,
): Promise<Server> {
  const { logger } = options
  const { store } = storage
  const { security } = access
  const context: RoutesContext = { rooms, store, options, ...security }
  const useTable = createUseTable(context)
  // S213: with other nodes, an import's progress is readable from any of them.
  const importJobs =
    storage.cluster === undefined
      ? createImportJobs()
      : await relayImportJobs(createImportJobs(), (handler) =>
          storage.cluster!.openChannel('imports', handler),
        )
  const tableRouters: Router[] = [
    createHistoryRoutes(store, useTable),
    createRestoreRoutes(store, useTable, security.control, security.audit),
    createExportRoute(store, useTable),
    createImportRoutes({
      useTable,
      control: security.control,
      jobs: importJobs,
      maxImportBytes: options.maxImportBytes,
    }),
    createTablesRoutes(context, useTable),
    createAuditRoutes(security.audit, useTable),
    createQueryRoutes(useTable),
  ]
  const app = createApp({
    metrics,
    logger,
    maxMessageBytes: options.maxMessageBytes,
    staticDir: options.staticDir,
    tableRouters,
    health: async () => healthReport(await storage.check(), rooms.loaded().length),
    authRouter: createAuthRoutes(security.control, {
      isDevLoginEnabled: options.devLogin,
      revocations: security.revocations,
      adminRoles: options.adminRoles,
    }),
  })
  const upgrades = createUpgrades(rooms, metrics, options, security)

  let httpServer: HttpServer | undefined
  let url: string | undefined
  if (listen) {
    httpServer = createHttpServer(app)
    httpServer.on('upgrade', upgrades.handleUpgrade)
    url = await listenOn(httpServer, options.host, options.port).catch((error: unknown) => {
      upgrades.close()
      throw error
    })
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
    await access.close()
    importJobs.close()
    await storage.close()
    await options.store?.close()
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

/** Builds access control over `ports`, and watches the rules file. */
async function openAccess(options: ResolvedServerOptions, ports: SecurityPorts): Promise<Access> {
  const security = await createSecurity(options, ports)
  const { rulesPath } = options
  // S76: rules from a file apply to new and open connections whenever the file changes.
  const stopWatching =
    rulesPath === undefined
      ? undefined
      : watchRulesFile({
          path: rulesPath,
          logger: options.logger,
          onError: options.onError,
          onRules(rules) {
            security.control.setRules(rules)
            void security.liveGrants.revalidate()
          },
        })
  return {
    security,
    close() {
      stopWatching?.()
      security.close()
      return Promise.resolve()
    },
  }
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
