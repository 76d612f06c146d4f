// The Store port over PostgreSQL (node-postgres): the update log, snapshots and a per-table
// counter that orders appends from every node. Creates its tables on first start. Knows
// nothing about Yjs.
import type { Store, StoredTable } from '../../src/index.js'
import {
  bytesOf,
  openPostgres,
  type PostgresDatabase,
  type PostgresOptions,
} from './postgres-database.js'

/** Options of `createPostgresStore`. */
export type PostgresStoreOptions = PostgresOptions

const schemaSql = (prefix: string): string => `
  CREATE TABLE IF NOT EXISTS ${prefix}tessera_counters (
    table_name text PRIMARY KEY, seq bigint NOT NULL);
  CREATE TABLE IF NOT EXISTS ${prefix}tessera_updates (
    table_name text NOT NULL, seq bigint NOT NULL, data bytea NOT NULL,
    PRIMARY KEY (table_name, seq));
  CREATE TABLE IF NOT EXISTS ${prefix}tessera_snapshots (
    table_name text PRIMARY KEY, seq bigint NOT NULL, data bytea NOT NULL);`

/** The statements of one schema (table names are quoted once here). */
const statements = (prefix: string) => ({
  // The counter row is locked until the statement commits, so sequence numbers are handed out
  // in commit order: whoever sees seq n committed knows every lower one is committed (S90).
  append: `WITH counter AS (
      INSERT INTO ${prefix}tessera_counters AS c (table_name, seq) VALUES ($1, $2)
      ON CONFLICT (table_name) DO UPDATE SET seq = c.seq + $2 RETURNING seq)
    INSERT INTO ${prefix}tessera_updates (table_name, seq, data)
    SELECT $1, counter.seq - $2 + u.ord, u.data
    FROM counter, unnest($3::bytea[]) WITH ORDINALITY AS u(data, ord) RETURNING seq`,
  // One statement reads one consistent state: a compaction cannot fall between its two parts.
  load: `SELECT 0 AS kind, seq, data FROM ${prefix}tessera_snapshots
      WHERE table_name = $1 AND seq > $2
    UNION ALL SELECT 1, seq, data FROM ${prefix}tessera_updates
      WHERE table_name = $1 AND seq > $2
    ORDER BY kind, seq`,
  newest: `SELECT greatest((SELECT max(seq) FROM ${prefix}tessera_updates WHERE table_name = $1),
    (SELECT seq FROM ${prefix}tessera_snapshots WHERE table_name = $1)) AS seq`,
  compactLock: `SELECT pg_try_advisory_xact_lock(hashtextextended('tessera compact ' || $1, 0)) AS locked`,
  putSnapshot: `INSERT INTO ${prefix}tessera_snapshots AS s (table_name, seq, data) VALUES ($1, $2, $3)
    ON CONFLICT (table_name) DO UPDATE SET seq = $2, data = $3 WHERE s.seq <= $2`,
  dropUpTo: `DELETE FROM ${prefix}tessera_updates WHERE table_name = $1 AND seq <= $2`,
  raiseCounter: `INSERT INTO ${prefix}tessera_counters AS c (table_name, seq) VALUES ($1, $2)
    ON CONFLICT (table_name) DO UPDATE SET seq = greatest(c.seq, $2)`,
  list: `SELECT table_name FROM ${prefix}tessera_snapshots
    UNION SELECT DISTINCT table_name FROM ${prefix}tessera_updates`,
  // The counter row stays: a table created again never reuses a sequence number.
  delete: `WITH u AS (DELETE FROM ${prefix}tessera_updates WHERE table_name = $1 RETURNING 1),
      s AS (DELETE FROM ${prefix}tessera_snapshots WHERE table_name = $1 RETURNING 1)
    SELECT (SELECT count(*) FROM u) + (SELECT count(*) FROM s) AS removed`,
})

/**
 * Connects to PostgreSQL and creates Tessera's tables when missing (any role that may create
 * tables in its database will do). Sequence numbers are shared by every server on the database.
 * `compact` takes a per-table advisory lock: a second server compacting the same table at the
 * same moment skips its compaction, and a snapshot never replaces a newer one.
 * @example
 * const store = await createPostgresStore({ url: 'postgres://tessera:secret@db:5432/tessera' })
 * @throws STORAGE_FAILURE when PostgreSQL cannot be reached or the tables cannot be created
 */
export async function createPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const database = await openPostgres(options)
  try {
    return await createPostgresStoreOn(database, { isOwner: true })
  } catch (error) {
    await database.close()
    throw error
  }
}

/**
 * The store over a database other adapters share (server/open-storage.ts); `isOwner`: closing
 * the store closes the database too.
 * @throws STORAGE_FAILURE when the tables cannot be created
 */
export async function createPostgresStoreOn(
  database: PostgresDatabase,
  { isOwner = false }: { isOwner?: boolean } = {},
): Promise<Store> {
  await database.migrate(schemaSql(database.prefix))
  const { pool } = database
  const sql = statements(database.prefix)
  let isClosed = false
  const closed = (): boolean => isClosed
  const run = <T>(where: string, body: () => Promise<T>): Promise<T> =>
    database.run(where, closed, body)
  const query = database.rows

  const load = async (table: string, afterSeq: number): Promise<StoredTable> => {
    const rows = await query<{ kind: number; seq: string; data: Buffer }>(sql.load, [
      table,
      afterSeq,
    ])
    const result: StoredTable = { updates: [], seq: afterSeq, updateBytes: 0 }
    for (const row of rows) {
      const bytes = bytesOf(row.data)
      if (row.kind === 0) result.snapshot = bytes
      else {
        result.updates.push(bytes)
        result.updateBytes += bytes.byteLength
      }
      result.seq = Math.max(result.seq, Number(row.seq))
    }
    return result
  }
  const append = async (table: string, updates: readonly Uint8Array[]): Promise<number> => {
    if (updates.length === 0) {
      const [row] = await query<{ seq: string | null }>(sql.newest, [table])
      return Number(row?.seq ?? 0)
    }
    const data = updates.map((update) => Buffer.from(update))
    const rows = await query<{ seq: string }>(sql.append, [table, updates.length, data])
    return Math.max(...rows.map((row) => Number(row.seq)))
  }
  const compact = async (table: string, snapshot: Uint8Array, seq: number): Promise<void> => {
    const client = await pool.connect()
    try {
      await client.query('BEGIN')
      const { rows } = await client.query<{ locked: boolean }>(sql.compactLock, [table])
      if (rows[0]?.locked !== true) {
        // S92: another server compacts this table right now; its snapshot will do.
        await client.query('ROLLBACK')
        return
      }
      await client.query(sql.putSnapshot, [table, seq, Buffer.from(snapshot)])
      await client.query(sql.dropUpTo, [table, seq])
      await client.query(sql.raiseCounter, [table, seq])
      await client.query('COMMIT')
    } catch (cause) {
      await client.query('ROLLBACK').catch(() => undefined)
      throw cause
    } finally {
      client.release()
    }
  }
  const remove = async (table: string): Promise<boolean> => {
    const [row] = await query<{ removed: string }>(sql.delete, [table])
    return Number(row?.removed ?? 0) > 0
  }

  return {
    load: (table, loadOptions) => run('load', () => load(table, loadOptions?.afterSeq ?? 0)),
    append: (table, updates) => run('append', () => append(table, updates)),
    compact: (table, snapshot, seq) => run('compact', () => compact(table, snapshot, seq)),
    list: () =>
      run('list', async () =>
        (await query<{ table_name: string }>(sql.list, [])).map((row) => row.table_name).sort(),
      ),
    delete: (table) => run('delete', () => remove(table)),
    async close() {
      if (isClosed) return
      isClosed = true
      if (isOwner) await database.close()
    },
  }
}
