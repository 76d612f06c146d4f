// The part of copyStore that moves what a table's deletions left in its store (S250): how many
// times each table was deleted (its generation, S210) and what its last deletion kept (the state
// vector of its old lives, S235), written through the target's own `delete`. Knows the Store
// port and store-companions.ts, not the adapters.
import { TesseraError, type Store } from '../src/index.js'
import { companionsOf } from './store-companions.js'

/** What the deletions of one table left: its generation and its last deletion's bytes. */
export interface TableDeletions {
  readonly table: string
  /** How many times the table was deleted (S210), above 0. */
  readonly generation: number
  readonly deletedState?: Uint8Array
}

/** A load that reads the generation and nothing of the content (no snapshot, no entry). */
const generationOf = async (store: Store, table: string) => {
  const { generation, deletedState } = await store.load(table, {
    afterSeq: Number.MAX_SAFE_INTEGER,
  })
  return { generation, deletedState }
}

/**
 * S250: the deletions of `from`'s tables, those it still holds (`tables`) and those deleted and
 * never written again (listed by the SQLite and PostgreSQL stores), by table name.
 */
export async function readDeletions(
  from: Store,
  tables: readonly string[],
): Promise<TableDeletions[]> {
  const deletedOnly = (await companionsOf(from)?.listDeletedTables()) ?? []
  const names = [...new Set([...tables, ...deletedOnly])].sort()
  const found: TableDeletions[] = []
  for (const table of names) {
    const { generation = 0, deletedState } = await generationOf(from, table)
    if (generation === 0) continue
    found.push(
      deletedState === undefined ? { table, generation } : { table, generation, deletedState },
    )
  }
  return found
}

/**
 * S250: refuses a target that cannot take `deletions` as they are: one that keeps no
 * generations (a store for one writer), or one where such a table was deleted already.
 * @throws INVALID_ARGUMENT (nothing is copied)
 */
export async function checkDeletionsTarget(
  to: Store,
  deletions: readonly TableDeletions[],
): Promise<void> {
  for (const { table } of deletions) {
    const { generation } = await generationOf(to, table)
    if (generation === undefined) {
      throw new TesseraError(
        'INVALID_ARGUMENT',
        `copyStore: table "${table}" was deleted in the source, and the target store keeps no deletions (S235: its old copies would come back); copy into a SQLite or PostgreSQL store`,
      )
    }
    if (generation > 0) {
      throw new TesseraError(
        'INVALID_ARGUMENT',
        `copyStore: the target already holds deletions of table "${table}"; copy into an empty database`,
      )
    }
  }
}

/**
 * S250: gives each table of `deletions` its generation and last deletion's bytes in `to`, by
 * deleting it there as many times (the last deletion keeping the bytes). Run before the tables'
 * content is copied: a deletion empties the table.
 */
export async function copyDeletions(
  to: Store,
  deletions: readonly TableDeletions[],
): Promise<void> {
  for (const { table, generation, deletedState } of deletions) {
    for (let count = 1; count < generation; count++) await to.delete(table)
    await to.delete(table, deletedState === undefined ? {} : { deletedState })
  }
}
