// Window writes are Yjs's own updates: encodeMapUpdate and the layout's write functions give, byte
// for byte, the update a full replica's Y.Doc emits for the same edit on the same state (S135).
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createTable } from '../../src/index.js'
import {
  encodeMapUpdate,
  keyRefsOf,
  overrideSet,
  rowDeletes,
  rowItemIdOf,
  rowSet,
  storedRowOf,
  type ItemId,
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

function writable(doc: Y.Doc, id: string): WritableRow {
  const maps = {
    meta: doc.getMap('meta'),
    columns: doc.getMap('columns'),
    rows: doc.getMap('rows'),
    cells: doc.getMap('cells'),
  } as never
  const row = storedRowOf(maps, id)!
  const columns = ['title', 'n'] as ColumnId[]
  return {
    id: id as RowId,
    item: rowItemIdOf(row),
    incarnation: row.stored.i,
    keys: new Map(keyRefsOf(maps, id as RowId, columns).map((key) => [key.column, key])),
  }
}

function history(): { doc: Y.Doc; ids: RowId[] } {
  const doc = new Y.Doc()
  doc.clientID = 7
  const table = createTable({
    doc,
    columns: [
      { name: 'title', type: 'string' },
      { name: 'n', type: 'number' },
    ],
  })
  const ids = table.insertRows([
    { title: 'a', n: 1 },
    { title: 'b', n: 2 },
    { title: 'c', n: 3 },
  ])
  doc.clientID = 9
  table.setCell(ids[0]!, 'title', 'a2')
  table.setCell(ids[0]!, 'title', 'a3')
  table.moveRow(ids[2]!, { before: ids[0]! })
  const clone = (): Y.Doc => {
    const copy = new Y.Doc()
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc))
    return copy
  }
  return { doc: clone(), ids }
}

const clockOf = (doc: Y.Doc, client: number): number => Y.getState(doc.store, client)

describe('window writes as Yjs updates', () => {
  it('S135: a cell write over an edited cell is the full replica update, byte for byte', () => {
    const { doc, ids } = history()
    const row = writable(doc, ids[0]!)
    const set = overrideSet(row, 'title', 'mine')
    const deletes: ItemId[] = row.keys.get('title')?.isAlive ? [row.keys.get('title')!.item] : []
    const mine = encodeMapUpdate(1234, clockOf(doc, 1234), [set], deletes)
    const theirs = updateOf(doc, 1234, () => doc.getMap('cells').set(set.key, set.value))
    expect(mine).toEqual(theirs)
  })

  it('S135: a first cell write, a move and a delete are the full replica updates', () => {
    const { doc, ids } = history()
    const row = writable(doc, ids[1]!)
    const set = overrideSet(row, 'n', 5)
    expect(encodeMapUpdate(55, 0, [set], [])).toEqual(
      updateOf(doc, 55, () => doc.getMap('cells').set(set.key, set.value)),
    )
    const moved = writable(doc, ids[2]!)
    const move = overrideSet(moved, '', 'Zz')
    expect(encodeMapUpdate(56, 0, [move], [moved.keys.get('')!.item])).toEqual(
      updateOf(doc, 56, () => doc.getMap('cells').set(move.key, move.value)),
    )
    const gone = writable(doc, ids[0]!)
    expect(encodeMapUpdate(57, 0, [], rowDeletes(gone))).toEqual(
      updateOf(doc, 57, () => {
        doc.getMap('rows').delete(ids[0]!)
        for (const key of doc.getMap('cells').keys())
          if (key.startsWith(ids[0]! + '\u0000')) doc.getMap('cells').delete(key)
      }),
    )
  })

  it('S135: an insert is the full replica update', () => {
    const { doc } = history()
    const set = rowSet('fresh' as RowId, 77, 'a5', { title: 'x' }, null)
    expect(encodeMapUpdate(58, 0, [set], [])).toEqual(
      updateOf(doc, 58, () => doc.getMap('rows').set(set.key, set.value)),
    )
  })
})
