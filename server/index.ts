/**
 * The public API of the sync server (`tessera/server`): an explicit list. Node only.
 * @module tessera/server
 */
export { createServer } from './create-server.js'
export type { Server, CreateServerOptions } from './create-server.js'
export type { ServerOptions, User, Access } from './options.js'
export type { Logger } from './logger.js'
export type { UpgradeHandler } from './http/upgrade.js'
export { createSqliteStore } from './adapters/sqlite-store.js'
export type { SqliteStoreOptions } from './adapters/sqlite-store.js'
export { createTokenVerifier } from './access/tokens.js'
export type { TokenOptions, TokenVerifier } from './access/tokens.js'
export type { Rules, TableRule } from './access/rules.js'
export type { AuditEntry } from './ports/audit-log.js'
export { createPostgresStore } from './adapters/postgres-store.js'
export type { PostgresStoreOptions } from './adapters/postgres-store.js'
export { copyStore } from './copy-store.js'
