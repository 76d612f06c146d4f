// Copies every table from one Store to another (SQLite to PostgreSQL when a deployment grows to
// several nodes), its history included: log entries with their times and authors, checkpoints;
// what deletions left (generations and deleted states, copy-deletions.ts); and the audit log
// and revoked tokens of the same database (copy-companions.ts). The source is only read; a copy
// that did not finish is marked as such in its target (S237). Knows no adapter.
import { TesseraError, type Store } from '../src/index.js'
import { copyHistoryUntil } from '../src/internal.js'
import { prepareCompanionCopy } from './copy-companions.js'
import { checkDeletionsTarget, copyDeletions, readDeletions } from './copy-deletions.js'

/**
 * S237: the table a copy in progress keeps in its target until it has copied everything. Its
 * control character keeps it apart from every table name (S115), so no client can reach it.
 */
export const unfinishedCopy = '\u0001tessera: copyStore did not finish'

/**
 * S237: refuses a store that holds a copy that did not finish (copyStore stopped midway): it
 * would look whole while tables, history or audit records are missing.
 * @throws STORAGE_FAILURE for such a store
 */
export async function refuseUnfinishedCopy(store: Store, where: string): Promise<void> {
  if ((await store.load(unfinishedCopy)).updates.length === 0) return
  throw new TesseraError(
    'STORAGE_FAILURE',
    `${where} holds a copy (copyStore) that did not finish: delete its tables (or the database) and run the copy again`,
  )
}

/**
 * Copies every table of `from` into `to`, which must hold none of them yet; returns their names.
 * For the SQLite and PostgreSQL stores, the audit log (in its order, with its times) and the
 * revoked tokens of `from`'s database go along too (S211), and so do each table's generation
 * and what its last deletion kept, also of tables deleted and never written again (S250), so a
 * deleted table's old copies are refused by the target as by the source. `from` is only read (open it
 * read-only if you like). Until the copy is done, `to` is marked as an unfinished copy: a server
 * refuses to open it (S237). Run it with no server using either.
 * @example
 * const from = createSqliteStore({ path: './data/tessera.db', readonly: true })
 * const to = await createPostgresStore({ url: process.env.TESSERA_POSTGRES_URL })
 * await copyStore(from, to)
 * @throws INVALID_ARGUMENT when `to` already holds one of the tables (or an unfinished copy), or
 * its audit log holds records, or `from` has audit records or revocations that `to` cannot keep,
 * or `from` is itself an unfinished copy, or `from` has deleted tables and `to` keeps no
 * deletions or has deleted one of them already (nothing is copied)
 */
export async function copyStore(from: Store, to: Store): Promise<string[]> {
  const tables = await from.list()
  if (tables.includes(unfinishedCopy))
    throw new TesseraError(
      'INVALID_ARGUMENT',
      'copyStore: the source is a copy that did not finish',
    )
  const existing = new Set(await to.list())
  const clash = existing.has(unfinishedCopy)
    ? 'an unfinished copy'
    : tables.find((table) => existing.has(table))
  if (clash !== undefined) {
    const what = clash === 'an unfinished copy' ? clash : `table "${clash}"`
    throw new TesseraError(
      'INVALID_ARGUMENT',
      `copyStore: the target already holds ${what}; copy into an empty database`,
    )
  }
  // S250: what deletions left goes along; checked before any table is copied.
  // The mark of an unfinished copy is deleted when a copy ends: that deletion stays behind.
  const deletions = (await readDeletions(from, tables)).filter(
    (deletion) => deletion.table !== unfinishedCopy,
  )
  await checkDeletionsTarget(to, deletions)
  // S211: the audit log and the revoked tokens go along; checked before any table is copied.
  const companions = await prepareCompanionCopy(from, to)
  try {
    // S237: marked first, unmarked last: a copy stopped in between never looks whole.
    const mark = new TextEncoder().encode('copyStore in progress')
    await to.append(unfinishedCopy, [{ update: mark, atMs: Date.now(), author: null }])
    // A deletion empties its table: the deletions first, then what the tables hold since.
    await copyDeletions(to, deletions)
    for (const table of tables) await copyHistoryUntil(from, to, table, Number.MAX_SAFE_INTEGER)
    await companions?.copy()
    await to.delete(unfinishedCopy)
  } finally {
    await companions?.close()
  }
  return tables
}
