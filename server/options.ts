// Server options: the defaults, their validation, and the CLI/env/config-file readers.
// The only module that reads environment variables (through `readCliOptions`, given `env`).
import type { IncomingMessage } from 'node:http'
import { TesseraError, type Store } from '../src/index.js'
import type { Rules } from './access/rules.js'
import type { TokenOptions } from './access/tokens.js'
import { silentLogger, type Logger } from './logger.js'
import { serverOptionChecks, type Check } from './option-checks.js'

/** What `authenticate` resolves to: anything the app uses to identify the caller. */
export type User = unknown

/** `read` opens a table; `write` changes it. */
export type Access = 'read' | 'write'

/** Options of `createServer`. Every key is optional; unknown keys are INVALID_ARGUMENT. */
export interface ServerOptions {
  /** Interface to listen on; default `127.0.0.1`. */
  host?: string
  /** Port; default 1234; 0 picks a free one. */
  port?: number
  /** SQLite file; default `./data/tessera.db` (its folder is created). Ignored when `store` is given. */
  dbPath?: string
  /** A Store to use instead of SQLite (e.g. `createMemoryStore()` in tests). */
  store?: Store
  /**
   * PostgreSQL URL (`postgres://user:password@host:5432/db`): store tables there instead of
   * SQLite, shared by every node (docs/scaling.md). Its tables are created on first start.
   */
  postgresUrl?: string
  /**
   * Redis URL (`redis://host:6379`): relay accepted updates and presence between the nodes that
   * share one PostgreSQL database (docs/scaling.md). Needs `postgresUrl` or `store`.
   */
  redisUrl?: string
  /**
   * SQLite's synchronous mode (docs/operations.md). `normal` (default): a committed update
   * survives a crash or kill -9 of the server; `full` also fsyncs every group commit, so it
   * survives a power loss, at the cost of the fsync (milliseconds) before each broadcast.
   */
  sqliteSynchronous?: 'full' | 'normal'
  /** Largest WebSocket message or REST body accepted; default 16 MiB. */
  maxMessageBytes?: number
  /** Largest CSV a `POST /tables/:table/import` reads (docs/csv.md); default 64 MiB. More: 413. */
  maxImportBytes?: number
  /** Most connections on one table; default 10,000. More are closed with 4429. */
  maxConnectionsPerTable?: number
  /** Compact a table's log when it holds this many updates; default 1,000. */
  compactAfterUpdates?: number
  /** Compact a table's log when it holds this many bytes; default 8 MiB. */
  compactAfterBytes?: number
  /** Keep each table's history (every update with its time and author) this long; default 30 days; 0 keeps none (docs/history.md). */
  historyRetentionMs?: number
  /** Unload a table this long after its last connection left; default 30,000 ms. */
  idleUnloadMs?: number
  /** Open unknown tables (y-websocket behaviour, default true); false answers 4404 / 404. */
  canCreateTables?: boolean
  /** Folder served at `/` (the demo); default `dist/demo` of the package; false serves none. */
  staticDir?: string | false
  /** Identifies the caller of an upgrade or REST request (may return a promise of the user); throw UNAUTHORIZED to refuse. Default: anonymous. */
  authenticate?: (request: IncomingMessage) => unknown
  /** Decides whether `user` may read or write `table`. Default: everyone may do everything. */
  authorize?: (user: User, table: string, access: Access) => boolean | Promise<boolean>
  /** Receives what the server does; default: nothing is logged. */
  logger?: Logger
  /** Token verification (docs/security.md): HS256 secret (>= 32 bytes), optional issuer and audience. Default: no auth (loopback only). */
  auth?: TokenOptions
  /** Per-table access rules (docs/security.md); default: none, so the default rule applies to every table. */
  rules?: Rules
  /**
   * A JSON file holding the rules instead (same shape as `rules`): read at start and watched,
   * so a change applies to new and open connections without a restart (S76).
   */
  rulesPath?: string
  /** Roles that may revoke anyone's tokens (`POST /auth/revocations`); default `["admin"]`. */
  adminRoles?: readonly string[]
  /** Keep audit log entries this long; default 90 days. */
  auditRetentionMs?: number
  /** Allow listening on a non-loopback host without auth (and dev login there); default false. */
  isInsecure?: boolean
  /** Serve `POST /auth/dev-login`, which signs a token for any name and roles: for demos only; needs `auth`. Default false. */
  devLogin?: boolean
  /** Most structs, delete ranges and values in one update; default 500,000. More: 1009. */
  maxUpdateStructs?: number
  /** Deepest nesting of a value inside an update; default 64. Deeper: 4400. */
  maxValueDepth?: number
  /** Most messages one connection may send per second (1 s burst); default 1,000. More: 4429. */
  maxMessagesPerSecond?: number
  /** Most bytes one connection may send per second; default 32 MiB. More: 4429. */
  maxBytesPerSecond?: number
  /** Unsent bytes a connection may hold before it is closed as a slow reader; default 8 MiB (4408). */
  maxBufferedBytes?: number
  /**
   * Largest presence (awareness) state relayed, in bytes of its JSON; default 4 KiB. A larger
   * state is dropped and its sender gets a MESSAGE_TOO_LARGE notice (S71). At most a quarter
   * of maxBufferedBytes.
   */
  maxPresenceBytes?: number
  /** Most open connections from one IP address; default 1,000. More: 4429. */
  maxConnectionsPerIp?: number
  /** Most connections still opening (authenticating, loading) at once; default 1,000. More: 4429. */
  maxPendingConnections?: number
  /** Most bytes a connection may send before it finished opening; default 1 MiB. More: 4429. */
  maxPendingBytes?: number
  /** Bytes of sync answers one connection gets per second on average; default 1 MiB. More wait. */
  syncAnswerBytesPerSecond?: number
  /** Bytes of sync answers one connection may get at once; default 16 MiB. More wait. */
  syncAnswerBurstBytes?: number
  /**
   * A table's shared join encoding larger than this goes in sync updates of about this size,
   * then a sync step 2 with the rest, so a browser applies it in tasks of bounded length
   * (S175); 0 sends it as one message. Default 64 KiB.
   */
  joinSliceBytes?: number
  /**
   * Called with background failures (a table that could not be stored, loaded or unloaded),
   * after the affected connections were closed. Default: they only go to `logger.error`.
   */
  onError?: (error: TesseraError) => void
}

/** Options without a default. */
type UndefaultedKey =
  | 'store'
  | 'authenticate'
  | 'authorize'
  | 'onError'
  | 'auth'
  | 'rulesPath'
  | 'postgresUrl'
  | 'redisUrl'

/** Options with every default filled in. */
export type ResolvedServerOptions = Required<Omit<ServerOptions, UndefaultedKey | 'logger'>> &
  Pick<ServerOptions, UndefaultedKey> & { logger: Logger }

export const defaultOptions = {
  host: '127.0.0.1',
  port: 1234,
  dbPath: './data/tessera.db',
  sqliteSynchronous: 'normal',
  maxMessageBytes: 16 * 1024 * 1024,
  maxImportBytes: 64 * 1024 * 1024,
  maxConnectionsPerTable: 10_000,
  compactAfterUpdates: 1000,
  compactAfterBytes: 8 * 1024 * 1024,
  historyRetentionMs: 30 * 24 * 60 * 60 * 1000,
  idleUnloadMs: 30_000,
  canCreateTables: true,
  rules: {},
  adminRoles: ['admin'],
  auditRetentionMs: 90 * 24 * 60 * 60 * 1000,
  isInsecure: false,
  devLogin: false,
  maxUpdateStructs: 500_000,
  maxValueDepth: 64,
  maxMessagesPerSecond: 1000,
  maxBytesPerSecond: 32 * 1024 * 1024,
  maxBufferedBytes: 8 * 1024 * 1024,
  maxPresenceBytes: 4 * 1024,
  maxConnectionsPerIp: 1000,
  maxPendingConnections: 1000,
  maxPendingBytes: 1024 * 1024,
  syncAnswerBytesPerSecond: 1024 * 1024,
  syncAnswerBurstBytes: 16 * 1024 * 1024,
  joinSliceBytes: 64 * 1024,
} as const

/** Every option's check; a missing one fails to compile. */
const checks: Record<keyof ServerOptions, Check> = serverOptionChecks

/** Combinations of options that make no sense, and what to do instead. */
const exclusions: [(options: ServerOptions) => boolean, string][] = [
  [
    (options) =>
      options.redisUrl !== undefined &&
      options.postgresUrl === undefined &&
      options.store === undefined,
    'redisUrl relays updates between nodes that share one store; give postgresUrl (--postgres) too',
  ],
  [
    (options) => options.postgresUrl !== undefined && options.store !== undefined,
    'give either store or postgresUrl, not both',
  ],
  [
    (options) => options.rules !== undefined && options.rulesPath !== undefined,
    'rules and rulesPath exclude each other: give the rules inline or as a file',
  ],
]

/** Options whose values are never echoed in an error message. */
const secretKeys = new Set(['auth', 'postgresUrl', 'redisUrl'])

/**
 * Fills in defaults and checks every option.
 * @throws INVALID_ARGUMENT naming the unknown or invalid option
 */
export function parseServerOptions(
  options: ServerOptions,
  defaultStaticDir: string | false,
): ResolvedServerOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TesseraError('INVALID_ARGUMENT', 'createServer: options must be an object')
  }
  for (const [key, value] of Object.entries(options)) {
    const check = checks[key as keyof ServerOptions] as Check | undefined
    if (check === undefined) {
      throw new TesseraError(
        'INVALID_ARGUMENT',
        `createServer: unknown option "${key}"; expected one of ${Object.keys(checks).join(', ')}`,
      )
    }
    const expected = value === undefined ? undefined : check(value)
    if (expected !== undefined) {
      throw new TesseraError(
        'INVALID_ARGUMENT',
        `createServer: option ${key} must be ${expected}, got ${secretKeys.has(key) ? 'something else (not shown: it may hold a secret)' : (JSON.stringify(value) ?? typeof value)}`,
      )
    }
  }
  for (const [isWrong, message] of exclusions) {
    if (isWrong(options)) throw new TesseraError('INVALID_ARGUMENT', `createServer: ${message}`)
  }
  const defined = Object.fromEntries(
    Object.entries(options).filter(([, value]) => value !== undefined),
  )
  const resolved = {
    ...defaultOptions,
    staticDir: defaultStaticDir,
    logger: silentLogger,
    ...defined,
  }
  if (resolved.maxPresenceBytes > resolved.maxBufferedBytes / 4) {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      `createServer: option maxPresenceBytes (${resolved.maxPresenceBytes}) must be at most a quarter of maxBufferedBytes (${resolved.maxBufferedBytes}); lower it or raise maxBufferedBytes`,
    )
  }
  return resolved
}
