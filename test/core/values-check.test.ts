// The server's checks of data format 3 updates (docs/semantics.md S286–S290), through
// applyChecked: a client replica writes rows with plain Yjs (the raw writer, or by hand as an
// attacker would) and the server replica judges what the update did to `rows`, `v` and `o`.
import * as Y from 'yjs'
import { describe, expect, it } from 'vitest'
import { createTable } from '../../src/index.js'
import { incarnationOf } from '../../src/incarnation.js'
import { packedKey, positionKey, tableMaps } from '../../src/layout.js'
import { allPermissions, grant, type TablePermissions } from '../../src/permissions.js'
import { applyChecked } from '../../src/validation.js'
import { readValues, valuesOf, valuesRow, valuesRowOf } from '../../src/values-array.js'
import {
  liveValues,
  readFormatThreeRow,
  readFormatThreeRows,
} from '../helpers/format-three-read.js'
import { writeRawFormatThreeRows } from '../helpers/raw-format-three.js'

/** A server replica and a client replica of a table with a string and a number column. */
function setup() {
  const schema = createTable({
    columns: [
      { name: 'title', type: 'string' },
      { name: 'priority', type: 'number', default: 0 },
    ],
  })
  const server = new Y.Doc()
  Y.applyUpdate(server, Y.encodeStateAsUpdate(schema.doc))
  // The version the writer raises to (the checks of S82 judge it, apart from the rows).
  tableMaps(server).meta.set('formatVersion', 3)
  const client = new Y.Doc()
  Y.applyUpdate(client, Y.encodeStateAsUpdate(server))
  const ids = new Map<string, string>()
  tableMaps(server).columns.forEach((fields, id) => ids.set(fields.get('name') as string, id))
  const columns = [ids.get('title')!, ids.get('priority')!]
  /** Sends what `edit` does to the client as one update; the server's answer comes back. */
  const send = (edit: (doc: Y.Doc) => void, permissions: TablePermissions = allPermissions) => {
    const vector = Y.encodeStateVector(client)
    client.transact(() => {
      edit(client)
    })
    const stateBefore = Y.encodeStateVector(server)
    const result = applyChecked(
      server,
      Y.encodeStateAsUpdate(client, vector),
      'connection',
      permissions,
    )
    Y.applyUpdate(client, Y.encodeStateAsUpdate(server, stateBefore))
    return result
  }
  return { server, client, columns, send }
}

const codes = (result: { violations: { code: string }[] }) => result.violations.map((v) => v.code)

const writer = grant(['insert'])
const editor = grant(['insert', 'update'])

describe('S286: format 3 inserts', () => {
  it('S286: a valid format 3 insert is accepted whole, values and rows as written', () => {
    const { server, columns, send } = setup()
    const result = send((doc) =>
      writeRawFormatThreeRows(doc, columns, [
        { id: 'r1', cells: ['one', 1] },
        { id: 'r2', cells: ['two', 2] },
        { id: 'r3', cells: ['three', null] },
      ]),
    )
    expect(result.violations).toEqual([])
    expect(result.isCorrected).toBe(false)
    expect(result.inserted).toEqual(['r1', 'r2', 'r3'])
    const rows = readFormatThreeRows(server)
    expect(Object.keys(rows)).toEqual(['r1', 'r2', 'r3'])
    expect(rows['r2']!.cells).toEqual({ [columns[0]!]: 'two', [columns[1]!]: 2 })
    expect(rows['r3']!.cells).toEqual({ [columns[0]!]: 'three', [columns[1]!]: null })
  })

  it('S286: inserting format 3 rows needs the insert right; their values go with them', () => {
    const { server, columns, send } = setup()
    const result = send(
      (doc) => writeRawFormatThreeRows(doc, columns, [{ id: 'r1', cells: ['one', 1] }]),
      grant(['update', 'delete']),
    )
    expect(codes(result)).toContain('FORBIDDEN')
    expect(tableMaps(server).rows.has('r1')).toBe(false)
    expect(liveValues(server)).toBe(0)
  })

  it('S286: a row naming values of an earlier update is malformed and removed', () => {
    const { server, client, columns, send } = setup()
    send((doc) => writeRawFormatThreeRows(doc, columns, [{ id: 'r1', cells: ['one', 1] }]))
    const first = valuesRowOf(tableMaps(client).rows.get('r1'))!
    const result = send((doc) => {
      const clock = Y.getState(doc.store, doc.clientID)
      const inc = incarnationOf(doc.clientID, clock)
      tableMaps(doc).rows.set('r2', valuesRow(first.shape, inc, 'a5', clock - first.clock))
    }, writer)
    expect(codes(result)).toEqual(['SCHEMA_VIOLATION'])
    expect(result.violations[0]!.message).toMatch(/row r2: its first values are not values/)
    expect(tableMaps(server).rows.has('r2')).toBe(false)
    expect(readFormatThreeRow(server, 'r1')!.cells).toEqual({
      [columns[0]!]: 'one',
      [columns[1]!]: 1,
    })
  })

  it('S286: two rows of one update naming one range: the second is removed', () => {
    const { server, columns, send } = setup()
    const result = send((doc) => {
      const [inc] = writeRawFormatThreeRows(doc, columns, [{ id: 'r1', cells: ['one', 1] }])
      const parts = valuesRowOf(tableMaps(doc).rows.get('r1'))!
      const clock = Y.getState(doc.store, doc.clientID)
      const twin = incarnationOf(doc.clientID, clock)
      tableMaps(doc).rows.set('r2', valuesRow(parts.shape, twin, 'a6', clock - parts.clock))
      expect(inc).not.toBe(twin)
    }, writer)
    expect(result.inserted).toEqual(['r1'])
    expect(result.violations.map((v) => v.message)).toEqual([
      expect.stringMatching(/row r2: its first values are another row/),
    ])
    expect(Object.keys(readFormatThreeRows(server))).toEqual(['r1'])
  })

  it('S286: a row whose range runs past its update’s values, or of another shape length, is removed', () => {
    const { server, columns, send } = setup()
    const result = send((doc) => {
      writeRawFormatThreeRows(doc, columns, [
        { id: 'r1', cells: ['one', 1] },
        { id: 'r2', cells: ['two', 2] },
      ])
      const rows = tableMaps(doc).rows
      const r2 = rows.get('r2') as { s: number; i: string; p: string; b: number }
      // One clock later: its last value would be the first row item.
      rows.set('r2', valuesRow(r2.s, r2.i, r2.p, r2.b - 1))
    }, writer)
    expect(result.inserted).toEqual(['r1'])
    expect(codes(result)).toEqual(['SCHEMA_VIOLATION', 'SCHEMA_VIOLATION'])
    expect(result.violations[1]!.message).toMatch(/no row of the same update names/)
    expect(Object.keys(readFormatThreeRows(server))).toEqual(['r1'])
    expect(liveValues(server)).toBe(2)
  })

  it('S286: two chunks in one update, each its values then its rows, are accepted', () => {
    const { server, columns, send } = setup()
    const result = send((doc) => {
      writeRawFormatThreeRows(doc, columns, [{ id: 'r1', cells: ['one', 1] }])
      writeRawFormatThreeRows(doc, [columns[1]!], [{ id: 'r2', cells: [2] }], 'a5')
      writeRawFormatThreeRows(doc, columns, [{ id: 'r3', cells: ['three', 3] }], 'a6')
    }, writer)
    expect(result.violations).toEqual([])
    expect(result.inserted).toEqual(['r1', 'r2', 'r3'])
    expect(readFormatThreeRow(server, 'r2')!.cells).toEqual({ [columns[1]!]: 2 })
  })

  it('S286: a row whose values are not just before its rows (another write between) is removed', () => {
    const { server, columns, send } = setup()
    const result = send((doc) => {
      const maps = tableMaps(doc)
      writeRawFormatThreeRows(doc, columns, [{ id: 'r1', cells: ['one', 1] }])
      const r1 = maps.rows.get('r1') as { s: number; p: string }
      const first = Y.getState(doc.store, doc.clientID)
      valuesOf(doc).push(['two', 2])
      maps.meta.set('note', 'between')
      const clock = Y.getState(doc.store, doc.clientID)
      maps.rows.set('r2', valuesRow(r1.s, incarnationOf(doc.clientID, clock), 'a5', clock - first))
    })
    expect(result.inserted).toEqual(['r1'])
    expect(result.violations.map((v) => v.message)).toEqual([
      expect.stringMatching(/row r2: its first values are not values its own update appended/),
      expect.stringMatching(/2 value\(s\) put into the values array/),
    ])
    expect(valuesOf(server).toArray()).toEqual(['one', 1])
  })

  it('S286: a row value that is no format 3 row (unknown shape) counts as deleting the key', () => {
    const { server, send } = setup()
    const result = send((doc) => {
      valuesOf(doc).push(['x'])
      const clock = Y.getState(doc.store, doc.clientID)
      tableMaps(doc).rows.set('r1', valuesRow(7, incarnationOf(doc.clientID, clock), 'a0', 1))
    }, writer)
    expect(result.violations.map((v) => v.message)).toEqual([
      expect.stringMatching(/row r1: not a row value/),
      expect.stringMatching(/1 value\(s\) put into the values array/),
    ])
    expect(tableMaps(server).rows.size).toBe(0)
    expect(liveValues(server)).toBe(0)
  })
})

describe('S287: values no row names', () => {
  it('S287: values appended beside a valid insert are removed, for an admin too', () => {
    const { server, columns, send } = setup()
    const result = send((doc) => {
      writeRawFormatThreeRows(doc, columns, [{ id: 'r1', cells: ['one', 1] }])
      valuesOf(doc).push(['MARKER', 'MORE'])
      valuesOf(doc).insert(0, [{ nested: true }])
    })
    expect(result.inserted).toEqual(['r1'])
    expect(codes(result)).toEqual(['SCHEMA_VIOLATION'])
    expect(result.violations[0]!.message).toMatch(/^3 value\(s\)/)
    expect(valuesOf(server).toArray()).toEqual(['one', 1])
  })

  it('S287: a Yjs type or binary content put into the values array is removed', () => {
    const { server, send } = setup()
    const result = send((doc) => {
      valuesOf(doc).push([new Y.Map(), new Uint8Array([1])])
    }, writer)
    expect(codes(result)).toEqual(['SCHEMA_VIOLATION'])
    expect(liveValues(server)).toBe(0)
  })
})

describe('S288: first values checked against their columns', () => {
  it('S288: a value of the wrong type is deleted from v: the cell reads its default', () => {
    const { server, columns, send } = setup()
    const result = send((doc) =>
      writeRawFormatThreeRows(doc, [...columns, 'gone'], [{ id: 'r1', cells: [5, 'high', 'x'] }]),
    )
    expect(result.inserted).toEqual(['r1'])
    expect(result.violations.map((v) => [v.code, v.columnId])).toEqual([
      ['SCHEMA_VIOLATION', columns[0]],
      ['SCHEMA_VIOLATION', columns[1]],
      ['SCHEMA_VIOLATION', 'gone'],
    ])
    expect(readFormatThreeRow(server, 'r1')!.cells).toEqual({})
    expect(liveValues(server)).toBe(0)
  })

  it('S288: a position that is not a fractional index becomes "a0", the values stay', () => {
    const { server, columns, send } = setup()
    const result = send((doc) => {
      writeRawFormatThreeRows(doc, columns, [{ id: 'r1', cells: ['one', 1] }])
      const r1 = tableMaps(doc).rows.get('r1') as { s: number; i: string; b: number }
      tableMaps(doc).rows.set('r1', valuesRow(r1.s, r1.i, '', r1.b))
    }, writer)
    expect(codes(result)).toEqual(['SCHEMA_VIOLATION'])
    expect(readFormatThreeRow(server, 'r1')).toEqual({
      position: 'a0',
      cells: { [columns[0]!]: 'one', [columns[1]!]: 1 },
    })
  })
})

describe('S289: first values a live row reads', () => {
  it('S289: deleting them is answered by overrides holding the deleted values', () => {
    const { server, client, columns, send } = setup()
    send((doc) =>
      writeRawFormatThreeRows(doc, columns, [
        { id: 'r1', cells: ['one', 1] },
        { id: 'r2', cells: ['two', 2] },
      ]),
    )
    const result = send((doc) => valuesOf(doc).delete(0, 3), editor)
    expect(result.violations.map((v) => [v.code, v.rowId])).toEqual([
      ['SCHEMA_VIOLATION', 'r1'],
      ['SCHEMA_VIOLATION', 'r2'],
    ])
    for (const doc of [server, client]) {
      expect(readFormatThreeRow(doc, 'r1')!.cells).toEqual({
        [columns[0]!]: 'one',
        [columns[1]!]: 1,
      })
      expect(readFormatThreeRow(doc, 'r2')!.cells).toEqual({
        [columns[0]!]: 'two',
        [columns[1]!]: 2,
      })
    }
    expect(valuesOf(server).toArray()).toEqual([2])
  })

  it('S289: deleting a value an override shadows, or of a deleted row, is allowed', () => {
    const { server, client, columns, send } = setup()
    const [inc1] = send((doc) =>
      writeRawFormatThreeRows(doc, columns, [
        { id: 'r1', cells: ['one', 1] },
        { id: 'r2', cells: ['two', 2] },
      ]),
    ).inserted.map((id) => (tableMaps(client).rows.get(id) as { i: string }).i)
    send((doc) => {
      tableMaps(doc).overrides.set(packedKey(inc1!, 1), 'edited')
      tableMaps(doc).rows.delete('r2')
    })
    const result = send((doc) => {
      valuesOf(doc).delete(0, 1)
      valuesOf(doc).delete(1, 2)
    }, editor)
    expect(result.violations).toEqual([])
    expect(valuesOf(server).toArray()).toEqual([1])
    expect(readFormatThreeRow(server, 'r1')!.cells).toEqual({
      [columns[0]!]: 'edited',
      [columns[1]!]: 1,
    })
  })

  it('S289: a refused delete restores the row, and the values deleted with it as overrides', () => {
    const { server, columns, send } = setup()
    send((doc) => writeRawFormatThreeRows(doc, columns, [{ id: 'r1', cells: ['one', 1] }]))
    const result = send((doc) => {
      tableMaps(doc).rows.delete('r1')
      valuesOf(doc).delete(0, 2)
    }, editor)
    expect(codes(result)).toEqual(['FORBIDDEN', 'SCHEMA_VIOLATION'])
    expect(readFormatThreeRow(server, 'r1')!.cells).toEqual({
      [columns[0]!]: 'one',
      [columns[1]!]: 1,
    })
  })
})

describe('S290: the rules of format 2 hold for format 3 rows', () => {
  it('S290: a cell edit needs the update right and is checked against its column', () => {
    const { server, client, columns, send } = setup()
    send((doc) => writeRawFormatThreeRows(doc, columns, [{ id: 'r1', cells: ['one', 1] }]))
    const inc = (tableMaps(client).rows.get('r1') as { i: string }).i
    const refused = send((doc) => tableMaps(doc).overrides.set(packedKey(inc, 1), 'x'), writer)
    expect(codes(refused)).toEqual(['FORBIDDEN'])
    const corrected = send((doc) => {
      tableMaps(doc).overrides.set(packedKey(inc, 1), 'edited')
      tableMaps(doc).overrides.set(packedKey(inc, 2), '7')
      tableMaps(doc).overrides.set(positionKey(inc), 'a5')
    }, editor)
    expect(codes(corrected)).toEqual(['SCHEMA_VIOLATION'])
    expect([...corrected.updated]).toEqual([['r1', new Set(columns)]])
    expect(corrected.moved).toEqual(['r1'])
    expect(readFormatThreeRow(server, 'r1')).toEqual({
      position: 'a5',
      cells: { [columns[0]!]: 'edited', [columns[1]!]: 7 },
    })
  })

  it('S290: deleting a row needs the delete right; a rewrite in its own life keeps its values', () => {
    const { server, client, columns, send } = setup()
    send((doc) => writeRawFormatThreeRows(doc, columns, [{ id: 'r1', cells: ['one', 1] }]))
    expect(codes(send((doc) => tableMaps(doc).rows.delete('r1'), editor))).toEqual(['FORBIDDEN'])
    const r1 = tableMaps(client).rows.get('r1') as { s: number; i: string; p: string; b: number }
    const moved = send((doc) => tableMaps(doc).rows.set('r1', valuesRow(r1.s, r1.i, 'a7', r1.b)))
    expect(moved.violations).toEqual([])
    expect(moved.moved).toEqual(['r1'])
    const shifted = send(
      (doc) => tableMaps(doc).rows.set('r1', valuesRow(r1.s, r1.i, 'a7', r1.b + 1)),
      editor,
    )
    expect(shifted.violations.map((v) => v.message)).toEqual([
      expect.stringMatching(/first values of its life, which never change/),
      expect.stringMatching(/deleting rows needs the delete permission/),
    ])
    expect(readFormatThreeRow(server, 'r1')).toEqual({
      position: 'a7',
      cells: { [columns[0]!]: 'one', [columns[1]!]: 1 },
    })
  })

  it('S290: bringing back a deleted life (Yjs undo of a delete) needs the insert right', () => {
    const { server, client, columns, send } = setup()
    send((doc) => writeRawFormatThreeRows(doc, columns, [{ id: 'r1', cells: ['one', 1] }]))
    const undo = new Y.UndoManager(tableMaps(client).rows)
    send((doc) => tableMaps(doc).rows.delete('r1'))
    expect(readFormatThreeRow(server, 'r1')).toBeUndefined()
    const without = grant(['update', 'delete'])
    const refused = send(() => undo.undo(), without)
    expect(codes(refused)).toEqual(['FORBIDDEN'])
    expect(readFormatThreeRow(server, 'r1')).toBeUndefined()
    expect(readFormatThreeRow(client, 'r1')).toBeUndefined()
  })
})

describe('S286: lives brought back', () => {
  it('S286: a deleted life brought back by Yjs undo names its own values and is accepted', () => {
    const { server, client, columns, send } = setup()
    send((doc) =>
      writeRawFormatThreeRows(doc, columns, [
        { id: 'r1', cells: ['one', 1] },
        { id: 'r2', cells: ['two', 2] },
      ]),
    )
    const undo = new Y.UndoManager(tableMaps(client).rows)
    send((doc) => tableMaps(doc).rows.delete('r1'))
    undo.stopCapturing()
    const result = send(() => undo.undo(), writer)
    expect(result.violations).toEqual([])
    expect(result.inserted).toEqual(['r1'])
    expect(readFormatThreeRow(server, 'r1')!.cells).toEqual({
      [columns[0]!]: 'one',
      [columns[1]!]: 1,
    })
  })

  it('S286: a life brought back naming a live neighbour’s values is malformed', () => {
    const { server, client, columns, send } = setup()
    send((doc) =>
      writeRawFormatThreeRows(doc, columns, [
        { id: 'r1', cells: ['one', 1] },
        { id: 'r2', cells: ['two', 2] },
      ]),
    )
    const r1 = tableMaps(client).rows.get('r1') as { s: number; i: string; p: string; b: number }
    send((doc) => tableMaps(doc).rows.delete('r1'))
    // r1's own values are two clocks before r2's: two clocks less back is r2's range.
    const result = send(
      (doc) => tableMaps(doc).rows.set('r1', valuesRow(r1.s, r1.i, r1.p, r1.b - 2)),
      writer,
    )
    expect(result.violations.map((v) => v.message)).toEqual([
      expect.stringMatching(/row r1: its first values are another row/),
    ])
    expect(tableMaps(server).rows.has('r1')).toBe(false)
    const first = valuesRowOf(r1)!.clock
    expect(readValues(valuesOf(server), client.clientID, first, 4)).toEqual(['one', 1, 'two', 2])
  })
})
