// The Store port over PostgreSQL (node-postgres): the update log (each entry with its time and
// author), the snapshots, and a per-table counter that orders appends from every node. Creates
// its tables on first start. Snapshots are kept encoded (snapshot-encoding.ts); knows nothing
// else about Yjs.
import type pg from 'pg'
import type { LoggedUpdate, NewUpdate, Store, StoredTable } from '../../src/index.js'
import {
  bytesOf,
  openPostgres,
  type PostgresDatabase,
  type PostgresOptions,
} from './postgres-database.js'
import { postgresStatements } from './postgres-statements.js'
import { deletedSince } from '../../src/internal.js'
import { withCompanions } from '../store-companions.js'
import { createPostgresAuditLog } from './postgres-audit-log.js'
import { createPostgresRevocationList } from './postgres-revocation-list.js'
import { decodeSnapshot, encodeSnapshot } from '../snapshot-encoding.js'

/** Options of `createPostgresStore`. */
export type PostgresStoreOptions = PostgresOptions

/**
 * Connects to PostgreSQL and creates Tessera's tables when missing (any role that may create
 * tables in its database will do). Sequence numbers are shared by every server on the database
 * and follow commit order (S90). `compact` takes a per-table advisory lock: a second server
 * compacting the same table at the same moment skips its compaction (S92).
 * @example
 * const store = await createPostgresStore({ url: 'postgres://tessera:secret@db:5432/tessera' })
 * @throws STORAGE_FAILURE when PostgreSQL cannot be reached or the tables cannot be created
 */
export async function createPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const database = await openPostgres(options)
  try {
    // S211: copyStore moves the audit log and revocations of the same database.
    return withCompanions(await createPostgresStoreOn(database, { isOwner: true }), {
      where: 'PostgreSQL',
      openAuditLog: () => createPostgresAuditLog(database),
      openRevocationList: () => createPostgresRevocationList(database),
      // S211: a copy's source is read, never written: a table it lacks is not created.
      readAuditLog: async () =>
        (await hasRelation(database, 'tessera_audit'))
          ? createPostgresAuditLog(database)
          : undefined,
      readRevocationList: async () =>
        (await hasRelation(database, 'tessera_revocations'))
          ? createPostgresRevocationList(database)
          : undefined,
      // S250: the tables deleted at least once, whether or not they hold anything since.
      listDeletedTables: async () =>
        (
          await database.rows<{ table_name: string }>(
            `SELECT table_name FROM ${database.prefix}tessera_counters WHERE generation > 0 ORDER BY table_name`,
            [],
          )
        ).map((row) => row.table_name),
    })
  } catch (error) {
    await database.close()
    throw error
  }
}

/** Whether the database's schema has the table `name`. */
async function hasRelation(database: PostgresDatabase, name: string): Promise<boolean> {
  const [row] = await database.rows<{ found: boolean }>(
    'SELECT to_regclass($1) IS NOT NULL AS found',
    [`${database.prefix}${name}`],
  )
  return row?.found === true
}

/** Runs `body` in one transaction on one connection of `pool`. */
async function inTransaction<T>(
  pool: pg.Pool,
  body: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect()
  try {
    await client.query('BEGIN')
    const result = await body(client)
    await client.query('COMMIT')
    return result
  } catch (cause) {
    await client.query('ROLLBACK').catch(() => undefined)
    throw cause
  } finally {
    client.release()
  }
}

/** S210: refuses (TABLE_NOT_FOUND) a compaction of a table deleted since `generation` was loaded. */
async function checkGeneration(
  client: pg.PoolClient,
  statement: string,
  table: string,
  generation: number,
): Promise<void> {
  const { rows } = await client.query<{ generation: string }>(statement, [table])
  if (Number(rows[0]?.generation ?? 0) !== generation) throw deletedSince(table)
}

/** Reads `table` after entry `afterSeq` with `statement` (sql.load): its snapshot and log. */
async function loadTable(
  database: PostgresDatabase,
  statement: string,
  table: string,
  afterSeq: number,
): Promise<StoredTable> {
  type Row = { kind: number; seq: string; at_ms: string; data: Buffer }
  const result: StoredTable = { updates: [], seq: afterSeq, updateBytes: 0, atMs: 0 }
  result.generation = 0
  for (const row of await database.rows<Row>(statement, [table, afterSeq])) {
    if (row.kind === 2) {
      result.generation = Number(row.seq)
      if (row.data.byteLength > 0) result.deletedState = bytesOf(row.data)
      continue
    }
    if (row.kind === 0) result.snapshot = bytesOf(row.data)
    else {
      result.updates.push(bytesOf(row.data))
      result.updateBytes += row.data.byteLength
    }
    result.seq = Math.max(result.seq, Number(row.seq))
    result.atMs = Math.max(result.atMs, Number(row.at_ms))
  }
  if (result.snapshot !== undefined)
    result.snapshot = await decodeSnapshot(result.snapshot, `table "${table}"`)
  return result
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
  const sql = postgresStatements(database.prefix)
  await database.migrate(sql.schema)
  const { pool, rows: query } = database
  let isClosed = false
  const run = <T>(where: string, body: () => Promise<T>): Promise<T> =>
    database.run(where, () => isClosed, body)
  const transaction = <T>(body: (client: pg.PoolClient) => Promise<T>): Promise<T> =>
    inTransaction(pool, body)

  const append = async (
    table: string,
    updates: readonly NewUpdate[],
    generation: number | undefined,
  ): Promise<number> => {
    if (updates.length === 0) {
      const [row] = await query<{ seq: string }>(sql.current, [table])
      return Number(row?.seq ?? 0)
    }
    const rows = await query<{ seq: string }>(sql.append, [
      table,
      updates.length,
      updates.map((entry) => Buffer.from(entry.update)),
      updates.map((entry) => entry.atMs),
      updates.map((entry) => entry.author),
      Math.max(...updates.map((entry) => entry.atMs)),
      generation ?? null,
    ])
    if (rows.length === 0) throw deletedSince(table)
    return Math.max(...rows.map((row) => Number(row.seq)))
  }
  const readLog = async (table: string, afterSeq: number, limit: number) => {
    type Row = { seq: string; at_ms: string; author: string | null; data: Buffer }
    return (await query<Row>(sql.readLog, [table, afterSeq, limit])).map((row): LoggedUpdate => ({
      seq: Number(row.seq),
      atMs: Number(row.at_ms),
      author: row.author,
      update: bytesOf(row.data),
    }))
  }

  return {
    load: (table, loadOptions) =>
      run('load', () => loadTable(database, sql.load, table, loadOptions?.afterSeq ?? 0)),
    append: (table, updates, appendOptions) =>
      run('append', () => append(table, updates, appendOptions?.generation)),
    compact: (table, snapshot, seq, { atMs = 0, replaces, generation } = {}) =>
      run('compact', async () => {
        // Encoded before the transaction: no connection waits on the compression.
        const stored = Buffer.from(encodeSnapshot(snapshot))
        await transaction(async (client) => {
          const { rows } = await client.query<{ locked: boolean }>(sql.compactLock, [table])
          // S92: another node compacts this table right now; its snapshot will do.
          if (rows[0]?.locked !== true) return
          if (generation !== undefined)
            await checkGeneration(client, sql.generationShared, table, generation)
          await client.query(sql.putSnapshot, [table, seq, atMs, stored])
          if (replaces !== undefined) await client.query(sql.dropSnapshot, [table, replaces, seq])
          await client.query(sql.raiseCounter, [table, seq])
        })
      }),
    snapshots: (table) =>
      run('snapshots', async () =>
        (
          await query<{ seq: string; at_ms: string; byte_length: number }>(sql.snapshots, [table])
        ).map((row) => ({
          seq: Number(row.seq),
          atMs: Number(row.at_ms),
          byteLength: row.byte_length,
        })),
      ),
    readSnapshot: (table, seq) =>
      run('readSnapshot', async () => {
        const [row] = await query<{ data: Buffer }>(sql.readSnapshot, [table, seq])
        const where = `table "${table}", snapshot ${seq}`
        return row === undefined ? undefined : decodeSnapshot(bytesOf(row.data), where)
      }),
    readLog: (table, afterSeq, limit) => run('readLog', () => readLog(table, afterSeq, limit)),
    trim: (table, seq) =>
      run('trim', () =>
        transaction(async (client) => {
          if ((await client.query(sql.lockSnapshot, [table, seq])).rows.length === 0) return false
          await client.query(sql.trimLog, [table, seq])
          await client.query(sql.trimSnapshots, [table, seq])
          return true
        }),
      ),
    list: () =>
      run('list', async () =>
        (await query<{ table_name: string }>(sql.list, [])).map((row) => row.table_name).sort(),
      ),
    delete: (table, { deletedState } = {}) =>
      run('delete', () =>
        transaction(async (client) => {
          await client.query(sql.lockCounter, [table])
          const state = deletedState === undefined ? null : Buffer.from(deletedState)
          await client.query(sql.deleteCounter, [table, state])
          const { rows } = await client.query<{ removed: string }>(sql.delete, [table])
          return Number(rows[0]?.removed ?? 0) > 0
        }),
      ),
    async close() {
      if (isClosed) return
      isClosed = true
      if (isOwner) await database.close()
    },
  }
}
