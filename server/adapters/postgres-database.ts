// Connecting to PostgreSQL the way every PostgreSQL adapter of the server does (one pool, an
// optional schema, tables created under a lock), and running its queries with wrapped errors.
import pg from 'pg'
import { TesseraError } from '../../src/index.js'

/** Where and how to connect. */
export interface PostgresOptions {
  /** `postgres://user:password@host:port/database`; the role needs no superuser rights. */
  url: string
  /**
   * PostgreSQL schema holding the tables, created when missing. Default: the connection's
   * `search_path` (usually `public`; set it in the URL: `?options=-c%20search_path%3Dname`).
   */
  schema?: string
  /** Most connections the pool opens; default 10. */
  maxConnections?: number
  /** Receives failures of idle connections (PostgreSQL restarted, network cut); default: ignored. */
  onError?: (error: TesseraError) => void
}

/** An open pool shared by the adapters of one server. */
export interface PostgresDatabase {
  readonly pool: pg.Pool
  /** `"schema".` or empty: what goes before every table name. */
  readonly prefix: string
  /** Creates tables with `sql` (CREATE … IF NOT EXISTS), one node at a time. */
  migrate(sql: string): Promise<void>
  /** Runs `body`: STORAGE_FAILURE on PostgreSQL's errors, CLOSED once `isClosed()` says so. */
  run<T>(where: string, isClosed: () => boolean, body: () => Promise<T>): Promise<T>
  /** Reads rows of one query. */
  readonly rows: <Row>(text: string, values: readonly unknown[]) => Promise<Row[]>
  /**
   * Times one trivial query; resolves to its duration in ms.
   * @throws STORAGE_FAILURE when it fails or takes over `timeoutMs`
   */
  ping(timeoutMs: number): Promise<number>
  /** Ends the pool. Idempotent. */
  close(): Promise<void>
}

const quote = (name: string): string => `"${name.replaceAll('"', '""')}"`

/** Wraps a driver error as STORAGE_FAILURE (a TesseraError is kept). */
export const postgresFailure = (where: string, cause: unknown): TesseraError =>
  cause instanceof TesseraError
    ? cause
    : new TesseraError(
        'STORAGE_FAILURE',
        `${where}: PostgreSQL failed: ${cause instanceof Error ? cause.message : String(cause)}`,
        { cause },
      )

/** Turns a `bytea` column into bytes without copying. */
export const bytesOf = (data: Buffer): Uint8Array =>
  new Uint8Array(data.buffer, data.byteOffset, data.byteLength)

/**
 * Connects (one connection is opened to check the URL) and creates the schema when given.
 * @throws STORAGE_FAILURE when PostgreSQL cannot be reached or the schema cannot be created
 */
export async function openPostgres(options: PostgresOptions): Promise<PostgresDatabase> {
  const prefix = options.schema === undefined ? '' : `${quote(options.schema)}.`
  const pool = new pg.Pool({ connectionString: options.url, max: options.maxConnections ?? 10 })
  pool.on('error', (cause) => options.onError?.(postgresFailure('idle connection', cause)))
  let isEnded = false
  const database: PostgresDatabase = {
    pool,
    prefix,
    async migrate(sql) {
      const client = await pool.connect()
      try {
        // Nodes starting together would race on CREATE TABLE IF NOT EXISTS; one goes at a time.
        await client.query('BEGIN')
        await client.query(`SELECT pg_advisory_xact_lock(hashtextextended('tessera schema', 0))`)
        if (prefix !== '') await client.query(`CREATE SCHEMA IF NOT EXISTS ${prefix.slice(0, -1)}`)
        await client.query(sql)
        await client.query('COMMIT')
      } catch (cause) {
        await client.query('ROLLBACK').catch(() => undefined)
        throw new TesseraError(
          'STORAGE_FAILURE',
          `cannot create Tessera's tables in PostgreSQL: ${cause instanceof Error ? cause.message : String(cause)}; check that the role may create tables (and the schema) in its database`,
          { cause },
        )
      } finally {
        client.release()
      }
    },
    async run(where, isClosed, body) {
      if (isClosed()) throw new TesseraError('CLOSED', `${where}: closed; open a new one`)
      try {
        return await body()
      } catch (cause) {
        throw postgresFailure(where, cause)
      }
    },
    rows: async <Row>(text: string, values: readonly unknown[]) =>
      (await pool.query(text, [...values])).rows as Row[],
    async ping(timeoutMs) {
      const startMs = performance.now()
      let timer: NodeJS.Timeout | undefined
      const timeout = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => {
          reject(new Error(`no answer within ${timeoutMs} ms`))
        }, timeoutMs)
      })
      try {
        await Promise.race([pool.query('SELECT 1'), timeout])
        return performance.now() - startMs
      } catch (cause) {
        throw postgresFailure('ping', cause)
      } finally {
        clearTimeout(timer)
      }
    },
    async close() {
      if (isEnded) return
      isEnded = true
      await pool.end()
    },
  }
  try {
    ;(await pool.connect()).release()
  } catch (cause) {
    await database.close()
    throw new TesseraError(
      'STORAGE_FAILURE',
      `cannot connect to PostgreSQL: ${cause instanceof Error ? cause.message : String(cause)}; check the URL and that the server runs`,
      { cause },
    )
  }
  return database
}
