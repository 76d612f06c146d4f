// Assembles a server's access control: the secure-by-default binding check, token verification
// and rules, the audit log beside the table data, and the REST routes of both.
import Database from 'better-sqlite3'
import type { Router } from 'express'
import { TesseraError } from '../../src/index.js'
import type { UseTable } from '../http/tables-routes.js'
import type { ResolvedServerOptions } from '../options.js'
import { createAccessControl, type AccessControl } from './access-control.js'
import { createAuditLog, type AuditLog } from './audit-log.js'
import { createAuthRoutes, createHistoryRoutes } from './routes.js'

/** The access-control parts of one server. */
export interface Security {
  readonly control: AccessControl
  readonly audit: AuditLog
  readonly authRouter: Router
  historyRoutes(useTable: UseTable): Router
  /** Stops pruning and closes the audit database. */
  close(): void
}

const pruneEveryMs = 60 * 60 * 1000

/** True for names and addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase()
  return bare === 'localhost' || bare === '::1' || /^127\.\d+\.\d+\.\d+$/.test(bare)
}

/**
 * S55: without auth (or with the dev login) the server listens on loopback only, unless
 * `isInsecure` says the exposure is deliberate.
 * @throws INVALID_ARGUMENT naming what to configure
 */
export function checkExposure(options: ResolvedServerOptions, isListening: boolean): void {
  if (options.devLogin && options.auth === undefined) {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      'createServer: devLogin signs tokens, so it needs auth.secret (TESSERA_AUTH_SECRET)',
    )
  }
  if (!isListening || options.isInsecure || isLoopback(options.host)) return
  if (options.auth === undefined && options.authenticate === undefined) {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      `refusing to listen on ${options.host} without auth: anyone who reaches it could read and change every table. Set auth.secret (TESSERA_AUTH_SECRET), listen on 127.0.0.1, or pass --insecure (isInsecure: true) to accept the risk`,
    )
  }
  if (options.devLogin) {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      `refusing to serve the dev login on ${options.host}: it hands out any role to anyone. Turn devLogin off, listen on 127.0.0.1, or pass --insecure`,
    )
  }
}

/** Builds the access control, opens the audit log and reports how the server is exposed. */
export function createSecurity(options: ResolvedServerOptions): Security {
  const control = createAccessControl(options)
  let db: Database.Database
  try {
    // A second connection to the store's file (WAL allows it); a custom store keeps its audit
    // log in memory. NORMAL: an audit entry may be lost on power loss, never the data itself.
    // TODO(#12): the audit log in PostgreSQL once it sits behind a port.
    const isSqlite = options.store === undefined && options.postgresUrl === undefined
    db = new Database(isSqlite ? options.dbPath : ':memory:')
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = NORMAL')
    db.pragma('busy_timeout = 5000')
  } catch (cause) {
    throw new TesseraError(
      'STORAGE_FAILURE',
      `cannot open the audit log in "${options.dbPath}": ${String(cause)}`,
      { cause },
    )
  }
  const audit = createAuditLog(db, { retentionMs: options.auditRetentionMs })
  const prune = (): void => {
    try {
      audit.prune(Date.now())
    } catch (error) {
      options.logger.error('pruning the audit log failed', error)
    }
  }
  prune()
  const pruneTimer = setInterval(prune, pruneEveryMs)
  pruneTimer.unref()

  const { logger } = options
  if (!control.isAuthEnabled) {
    logger.warn(
      `tessera runs without auth: every caller may read, write and administer every table${isLoopback(options.host) ? ' (listening on loopback only)' : ' (--insecure: exposed beyond this machine)'}. Set auth.secret to require tokens.`,
    )
  } else logger.info('tessera requires signed tokens; rules decide who may do what per table')
  if (options.devLogin) {
    logger.warn('POST /auth/dev-login is on: anyone may get a token with any role (demos only)')
  }
  return {
    control,
    audit,
    authRouter: createAuthRoutes(control, options.devLogin),
    historyRoutes: (useTable) => createHistoryRoutes(audit, useTable),
    close() {
      clearInterval(pruneTimer)
      db.close()
    },
  }
}
