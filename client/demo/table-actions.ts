// The page's row and table commands: add a row and put the cursor in it, delete or move the
// selected rows, append 100,000 rows, delete the table for everyone.
import type { GridSelection } from '@glideapps/glide-data-grid'
import type { Query, Row, Table } from '../../src/index.js'
import type { Connection } from '../index.js'
import { rangesOf } from './grid-handlers.js'
import type { Session } from './session.js'

/** The ids of the rows a selection covers (ranges and whole rows), in view order, once each. */
export function selectedRowIds(
  selection: GridSelection,
  total: number,
  columns: number,
  rowsFrom: (index: number, count: number) => readonly Row[],
): string[] {
  const ids = new Set<string>()
  for (const range of rangesOf(selection, total, columns)) {
    if (range.height === total && range.width === 1 && selection.columns.length > 0) continue
    for (const row of rowsFrom(range.y, range.height)) ids.add(row.id)
  }
  return [...ids]
}

/**
 * Where a row is in the view: found among the loaded rows, else in the manual order, else by
 * running the view's query once. -1 when the view does not show it (a filter hides it).
 */
export function indexOfRow(
  table: Table,
  query: Query,
  loaded: { rows: readonly Row[]; offset: number },
  id: string,
): number {
  const at = loaded.rows.findIndex((row) => row.id === id)
  if (at !== -1) return loaded.offset + at
  if (query.where === undefined && query.orderBy === undefined)
    return table.rowIds().indexOf(id as never)
  return table.query({ ...query, select: [] }).findIndex((row) => row.id === id)
}

/** Appends 100,000 rows in transactions of 10,000, yielding to the page between them. */
export async function generateRows(table: Table): Promise<void> {
  if (table.getColumn('title') === undefined) table.addColumn({ name: 'title', type: 'string' })
  if (table.getColumn('n') === undefined) table.addColumn({ name: 'n', type: 'number' })
  const start = table.size
  for (let batch = 0; batch < 10; batch++) {
    const rows = Array.from({ length: 10_000 }, (_, i) => {
      const n = start + batch * 10_000 + i + 1
      return { title: `Row ${n}`, n }
    })
    table.insertRows(rows)
    await new Promise((resolve) => setTimeout(resolve, 0))
  }
}

/** The IndexedDB database the demo keeps a table's offline copy in. */
export const storeNameOf = (table: string): string => `tessera-demo:${location.origin}/${table}`

/** Deletes the page's offline copy of a table (after its connection is closed). */
export function deleteLocalCopy(table: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(storeNameOf(table))
    request.onsuccess = () => {
      resolve()
    }
    request.onerror = () => {
      reject(request.error ?? new Error('deleting the offline copy failed'))
    }
    // Another tab still has it open: it goes once that tab closes it.
    request.onblocked = () => {
      resolve()
    }
  })
}

/**
 * Deletes the table for everyone (S117: DELETE /tables/:table, admin only), then this page's
 * offline copy, so it is not brought back by the next connect.
 */
export async function deleteTable(session: Session, conn: Connection): Promise<void> {
  const response = await session.api(`/tables/${encodeURIComponent(conn.name)}`, {
    method: 'DELETE',
  })
  if (!response.ok && response.status !== 404) {
    const body = (await response.json()) as { error?: { message?: string } }
    throw new Error(body.error?.message ?? `the server answered ${response.status}`)
  }
  await conn.close()
  await deleteLocalCopy(conn.name)
}
