// Copies every table from one Store to another (SQLite to PostgreSQL when a deployment grows to
// several nodes), its history included: log entries with their times and authors, checkpoints.
// Knows no adapter.
import { TesseraError, type Store } from '../src/index.js'
import { copyHistoryUntil } from '../src/internal.js'

/**
 * Copies every table of `from` into `to`, which must hold none of them yet; returns their names.
 * Run it with no server using either store.
 * @example
 * const from = createSqliteStore({ path: './data/tessera.db' })
 * const to = await createPostgresStore({ url: process.env.TESSERA_POSTGRES_URL })
 * await copyStore(from, to)
 * @throws INVALID_ARGUMENT when `to` already holds one of the tables (nothing is copied then)
 */
export async function copyStore(from: Store, to: Store): Promise<string[]> {
  const tables = await from.list()
  const existing = new Set(await to.list())
  const clash = tables.find((table) => existing.has(table))
  if (clash !== undefined) {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      `copyStore: the target already holds table "${clash}"; copy into an empty database`,
    )
  }
  for (const table of tables) await copyHistoryUntil(from, to, table, Number.MAX_SAFE_INTEGER)
  return tables
}
