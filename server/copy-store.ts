// Copies every table from one Store to another (SQLite to PostgreSQL when a deployment grows to
// several nodes), its history included: log entries with their times and authors, checkpoints;
// and the audit log and revoked tokens of the same database (copy-companions.ts). Knows no adapter.
import { TesseraError, type Store } from '../src/index.js'
import { copyHistoryUntil } from '../src/internal.js'
import { prepareCompanionCopy } from './copy-companions.js'

/**
 * Copies every table of `from` into `to`, which must hold none of them yet; returns their names.
 * For the SQLite and PostgreSQL stores, the audit log (in its order, with its times) and the
 * revoked tokens of `from`'s database go along too (S211). Run it with no server using either.
 * @example
 * const from = createSqliteStore({ path: './data/tessera.db' })
 * const to = await createPostgresStore({ url: process.env.TESSERA_POSTGRES_URL })
 * await copyStore(from, to)
 * @throws INVALID_ARGUMENT when `to` already holds one of the tables, or its audit log holds
 * records, or `from` has audit records or revocations that `to` cannot keep (nothing is copied)
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
  // S211: the audit log and the revoked tokens go along; checked before any table is copied.
  const companions = await prepareCompanionCopy(from, to)
  try {
    for (const table of tables) await copyHistoryUntil(from, to, table, Number.MAX_SAFE_INTEGER)
    await companions?.copy()
  } finally {
    await companions?.close()
  }
  return tables
}
