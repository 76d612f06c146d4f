// Reclaiming dead overrides (docs/semantics.md S129): an override of a row life that was deleted
// or replaced is never read again (S3, S4, S6), so deleting it changes nothing any replica shows
// and lets Yjs drop its value. Pure Yjs; the server runs it when it compacts a table's log
// (format 3's first values are reclaimed by values-reclaim.ts).
import * as Y from 'yjs'
import { parseIncarnation } from './incarnation.js'
import { isFormatOneRow, parseCellKey, parseOverrideKey, type TableMaps } from './layout.js'
import { storedIncOf } from './stored-row.js'
import { newestItem } from './transaction-diff.js'

/**
 * True when a format 2 or 3 override key can never be read: it is malformed, or it names a life
 * whose first item this replica has and which is not the current value's life of its row. A
 * life whose item has not arrived yet may still be a row's (its insert is on its way): kept.
 */
function isDeadOverride(maps: TableMaps, key: string): boolean {
  const target = parseOverrideKey(key)
  const id = target === undefined ? undefined : parseIncarnation(target.incarnation)
  if (target === undefined || id === undefined) return true
  const { store } = maps.overrides.doc!
  if (Y.getState(store, id.client) <= id.clock) return false
  const item = Y.getItem(store, Y.createID(id.client, id.clock))
  if (!(item instanceof Y.Item) || item.parent !== (maps.rows as unknown)) return true
  const current: unknown = item.parentSub === null ? undefined : maps.rows.get(item.parentSub)
  // S19: the life is read whatever the rest of the value holds (its shape may still be coming);
  // a format 2 row names it at [1], a format 3 row as `i`.
  return storedIncOf(current) !== target.incarnation
}

/**
 * True when a format 1 override (`[incarnation, value]` under rowId\0columnId) can never be
 * read: malformed, or its row's key holds no value of that incarnation. A row key this replica
 * has never seen written is kept (its insert may be on its way).
 */
function isDeadCell(maps: TableMaps, key: string, value: unknown): boolean {
  const cell = parseCellKey(key)
  const isOverride = Array.isArray(value) && value.length === 2 && typeof value[0] === 'number'
  if (cell === undefined || !isOverride) return true
  if (newestItem(maps.rows, cell[0]) === undefined) return false
  const current: unknown = maps.rows.get(cell[0])
  return !(isFormatOneRow(current) && current.i === value[0])
}

/** The override keys of either format that no reader can ever see again. */
export function deadOverrideKeys(maps: TableMaps): { cells: string[]; overrides: string[] } {
  const cells: string[] = []
  const overrides: string[] = []
  maps.cells.forEach((value, key) => {
    if (isDeadCell(maps, key, value)) cells.push(key)
  })
  for (const key of maps.overrides.keys()) if (isDeadOverride(maps, key)) overrides.push(key)
  return { cells, overrides }
}

/**
 * S129: deletes every dead override of the table in `maps`, in one transaction with `origin`
 * (none when there is nothing to delete); returns how many were deleted. What the table shows
 * is unchanged. Run it where the document is complete (the server): a replica that lacks a
 * row's insert keeps that row's overrides anyway.
 */
export function reclaimDeadOverrides(maps: TableMaps, origin: unknown): number {
  const dead = deadOverrideKeys(maps)
  const count = dead.cells.length + dead.overrides.length
  if (count === 0) return 0
  maps.rows.doc!.transact(() => {
    for (const key of dead.cells) maps.cells.delete(key)
    for (const key of dead.overrides) maps.overrides.delete(key)
  }, origin)
  return count
}
