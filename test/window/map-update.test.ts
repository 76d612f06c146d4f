// Window writes are Yjs's own updates: encodeMapUpdate and the layout's write functions give, byte
// for byte, the update a full replica emits for the same edit on the same state (S135), on rows
// of data format 2 (packed, overrides keyed by the life) and of format 1.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createTable, type Table } from '../../src/index.js'
import {
  createWindowLayout,
  encodeMapUpdate,
  overrideSet,
  rowDeletes,
  rowItemIdOf,
  rowSet,
  tableMaps,
  type WritableRow,
} from '../../src/internal.js'
import type { ColumnId, RowId } from '../../src/index.js'

/** The update `edit` makes on `doc` as client `client`. */
function updateOf(doc: Y.Doc, client: number, edit: () => void): Uint8Array {
  doc.clientID = client
  let update: Uint8Array | undefined
  const capture = (bytes: Uint8Array): void => {
    update = bytes
  }
  doc.on('update', capture)
  doc.transact(edit)
  doc.off('update', capture)
  return update!
}

/** What the server tells a window client about row `id` (WindowRow), as a client keeps it. */
function writable(doc: Y.Doc, id: string): WritableRow {
  const layout = createWindowLayout(tableMaps(doc))
  const row = layout.rowOf(id)!
  const columns = ['title', 'n'] as ColumnId[]
  const slots = layout.slotsOf(
    row,
    columns.map((column) => ({ id: column }) as never),
  )
  return {
    id: id as RowId,
    item: rowItemIdOf(row),
    incarnation: row.state.inc,
    slots: slots.length === 0 ? undefined : new Map(columns.map((c, at) => [c, slots[at]!])),
    keys: new Map(layout.keyRefsOf(row, columns).map((key) => [key.column, key])),
  }
}

/** The table over a copy of `doc`, written by client `client`. */
function replica(doc: Y.Doc, client: number): { doc: Y.Doc; table: Table } {
  const copy = new Y.Doc()
  copy.clientID = client
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc))
  return { doc: copy, table: createTable({ doc: copy }) }
}

/** A table with edits and a move; `formatOne` stores its rows as data format 1 rows. */
function history(formatOne = false): { doc: Y.Doc; ids: RowId[]; columns: ColumnId[] } {
  const doc = new Y.Doc()
  doc.clientID = 7
  const table = createTable({
    doc,
    columns: [
      { name: 'title', type: 'string' },
      { name: 'n', type: 'number' },
    ],
  })
  const columns = table.columns().map((column) => column.id)
  const cells = [
    { title: 'a', n: 1 },
    { title: 'b', n: 2 },
    { title: 'c', n: 3 },
  ]
  let ids: RowId[]
  if (formatOne) {
    // Rows as a format 1 writer stored them (S127): cells named, a number for the life.
    ids = ['r1', 'r2', 'r3'] as RowId[]
    doc.transact(() => {
      cells.forEach(({ title, n }, at) => {
        const c = { [columns[0]!]: title, [columns[1]!]: n }
        doc.getMap('rows').set(ids[at]!, { i: at + 10, p: `a${at}`, c })
      })
    })
  } else ids = table.insertRows(cells)
  doc.clientID = 9
  table.setCell(ids[0]!, 'title', 'a2')
  table.setCell(ids[0]!, 'title', 'a3')
  table.moveRow(ids[2]!, { before: ids[0]! })
  return { doc: replica(doc, 3).doc, ids, columns }
}

const clockOf = (doc: Y.Doc, client: number): number => Y.getState(doc.store, client)

/** The update the full replica's table sends for `edit`, as client `client`. */
function tableUpdate(doc: Y.Doc, client: number, edit: (table: Table) => void): Uint8Array {
  const full = replica(doc, client)
  return updateOf(full.doc, client, () => edit(full.table))
}

describe.each([
  ['data format 2', false],
  ['data format 1', true],
])('window writes as Yjs updates (%s)', (_name, formatOne) => {
  it('S135: a cell write over an edited cell is the full replica update, byte for byte', () => {
    const { doc, ids, columns } = history(formatOne)
    const row = writable(doc, ids[0]!)
    expect(row.slots === undefined).toBe(formatOne)
    const set = overrideSet(row, columns[0]!, 'mine')
    const replaced = row.keys.get(columns[0]!)!
    expect(replaced.isAlive).toBe(true)
    const mine = encodeMapUpdate(1234, clockOf(doc, 1234), [set], [replaced.item])
    expect(mine).toEqual(tableUpdate(doc, 1234, (table) => table.setCell(ids[0]!, 'title', 'mine')))
  })

  it('S135: a first cell write, a move and a delete are the full replica updates', () => {
    const { doc, ids, columns } = history(formatOne)
    const row = writable(doc, ids[1]!)
    const set = overrideSet(row, columns[1]!, 5)
    expect(encodeMapUpdate(55, 0, [set], [])).toEqual(
      tableUpdate(doc, 55, (table) => table.setCell(ids[1]!, 'n', 5)),
    )
    const moved = writable(doc, ids[2]!)
    const move = overrideSet(moved, '', 'Zz')
    expect(encodeMapUpdate(56, 0, [move], [moved.keys.get('')!.item])).toEqual(
      updateOf(doc, 56, () => doc.getMap(move.map).set(move.key, move.value)),
    )
    const gone = writable(doc, ids[0]!)
    expect(encodeMapUpdate(57, 0, [], rowDeletes(gone))).toEqual(
      tableUpdate(doc, 57, (table) => table.deleteRow(ids[0]!)),
    )
  })

  it('S135: an insert (data format 1, S127) is the update a format 1 writer sends', () => {
    const { doc } = history(formatOne)
    const set = rowSet('fresh' as RowId, 77, 'a5', { title: 'x' }, null)
    expect(encodeMapUpdate(58, 0, [set], [])).toEqual(
      updateOf(doc, 58, () => doc.getMap('rows').set(set.key, set.value)),
    )
  })
})
