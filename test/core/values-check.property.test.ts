// After any sequence of updates an attacker can make to data format 3's rows and values array,
// the server replica's state keeps S286–S289's promises: every live value in `v` that an update
// added is a plain value some live row names, no two live rows name one value, a writer without
// the update right changes no cell of a row that stays in its life (deleting first values
// included), and the attacker's copy converges to the server's. TESSERA_PROPERTY_RUNS sets the
// number of runs (default 100).
import { fc, test } from '@fast-check/vitest'
import { expect } from 'vitest'
import * as Y from 'yjs'
import { createTable } from '../../src/index.js'
import { incarnationOf } from '../../src/incarnation.js'
import { packedKey, tableMaps } from '../../src/layout.js'
import { allPermissions, grant } from '../../src/permissions.js'
import { createRowShapes } from '../../src/row-shapes.js'
import { applyChecked } from '../../src/validation.js'
import { valuesOf, valuesRow } from '../../src/values-array.js'
import { valuesPlaceOf } from '../../src/values-row.js'
import { readFormatThreeRows } from '../helpers/format-three-read.js'
import { writeRawFormatThreeRows } from '../helpers/raw-format-three.js'

const numRuns = Number(process.env.TESSERA_PROPERTY_RUNS || 100)
const rowIds = ['r1', 'r2', 'r3', 'r4', 'r5', 'r6']
const value = fc.oneof(fc.string({ maxLength: 3 }), fc.integer(), fc.boolean(), fc.constant(null))

const op = fc.oneof(
  fc.record({
    kind: fc.constant('insert' as const),
    ids: fc.uniqueArray(fc.constantFrom(...rowIds), { minLength: 1, maxLength: 3 }),
    cells: fc.array(value, { minLength: 2, maxLength: 2 }),
  }),
  fc.record({ kind: fc.constant('push' as const), values: fc.array(value, { maxLength: 4 }) }),
  fc.record({
    kind: fc.constant('delete' as const),
    index: fc.nat(20),
    length: fc.integer({ min: 1, max: 6 }),
  }),
  fc.record({
    kind: fc.constant('craft' as const),
    row: fc.constantFrom(...rowIds),
    shape: fc.nat(1),
    back: fc.integer({ min: 1, max: 30 }),
    isOwnItem: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('deleteRow' as const), row: fc.constantFrom(...rowIds) }),
  fc.record({
    kind: fc.constant('override' as const),
    row: fc.constantFrom(...rowIds),
    slot: fc.integer({ min: 1, max: 2 }),
    value,
  }),
)
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never

const permissionsOf = { all: allPermissions, noUpdate: grant(['insert', 'delete']) }

/** Every life's incarnation the attacker has seen, per row id (to bring one back). */
function applyOp(doc: Y.Doc, columns: string[], seen: Map<string, string[]>, entry: Op): void {
  const maps = tableMaps(doc)
  const values = valuesOf(doc)
  switch (entry.kind) {
    case 'insert':
      writeRawFormatThreeRows(
        doc,
        columns,
        entry.ids.map((id) => ({ id, cells: entry.cells })),
        'a1',
      )
      return
    case 'push':
      if (entry.values.length > 0) values.push(entry.values)
      return
    case 'delete': {
      const index = Math.min(entry.index, values.length)
      const length = Math.min(entry.length, values.length - index)
      if (length > 0) values.delete(index, length)
      return
    }
    case 'craft': {
      const old = seen.get(entry.row) ?? []
      const clock = Y.getState(doc.store, doc.clientID)
      const inc =
        entry.isOwnItem || old.length === 0
          ? incarnationOf(doc.clientID, clock)
          : old[entry.back % old.length]!
      maps.rows.set(entry.row, valuesRow(entry.shape, inc, 'a2', entry.back))
      return
    }
    case 'deleteRow':
      maps.rows.delete(entry.row)
      return
    case 'override': {
      const place = valuesPlaceOf(maps.rows.get(entry.row), createRowShapes(maps))
      if (place !== undefined) maps.overrides.set(packedKey(place.inc, entry.slot), entry.value)
      return
    }
  }
}

/** The clocks each live format 3 row names, checked to be apart from every other row's. */
function namedClocks(doc: Y.Doc): Set<string> {
  const maps = tableMaps(doc)
  const shapes = createRowShapes(maps)
  const named = new Set<string>()
  maps.rows.forEach((stored) => {
    const place = valuesPlaceOf(stored, shapes)
    if (place === undefined) return
    for (let slot = 0; slot < place.shapeOf.ids.length; slot++) {
      const key = `${place.client}:${place.clock + slot}`
      expect(named.has(key), `value ${key} named twice`).toBe(false)
      named.add(key)
    }
  })
  return named
}

test.prop(
  [
    fc.array(
      fc.record({
        ops: fc.array(op, { minLength: 1, maxLength: 4 }),
        rights: fc.constantFrom('all' as const, 'noUpdate' as const),
      }),
      { minLength: 1, maxLength: 6 },
    ),
  ],
  { numRuns },
)('S286, S287, S289: no update gets a value past the checks of format 3', (updates) => {
  const schema = createTable({
    columns: [
      { name: 's', type: 'string' },
      { name: 'n', type: 'number' },
    ],
  })
  const server = new Y.Doc()
  Y.applyUpdate(server, Y.encodeStateAsUpdate(schema.doc))
  tableMaps(server).meta.set('formatVersion', 3)
  const maps = tableMaps(server)
  const columns = [...maps.columns.keys()].sort((a, b) =>
    maps.columns.get(a)!.get('name')! < maps.columns.get(b)!.get('name')! ? -1 : 1,
  )
  // Rows of an honest writer first, in two chunks: the attacker's targets.
  const honest = new Y.Doc()
  Y.applyUpdate(honest, Y.encodeStateAsUpdate(server))
  writeRawFormatThreeRows(honest, columns, [
    { id: 'r1', cells: ['one', 1] },
    { id: 'r2', cells: ['two', 2] },
  ])
  writeRawFormatThreeRows(honest, columns, [{ id: 'r3', cells: ['three', 3] }])
  applyChecked(server, Y.encodeStateAsUpdate(honest), 'honest', allPermissions)
  const client = new Y.Doc()
  Y.applyUpdate(client, Y.encodeStateAsUpdate(server))
  const seen = new Map<string, string[]>()
  for (const { ops, rights } of updates) {
    tableMaps(client).rows.forEach((stored, id) => {
      const inc = (stored as { i?: unknown }).i
      if (typeof inc === 'string') seen.set(id, [...(seen.get(id) ?? []), inc])
    })
    const before = readFormatThreeRows(server)
    const incsBefore = new Map(
      [...maps.rows.entries()].map(([id, stored]) => [id, (stored as { i?: unknown }).i]),
    )
    const serverVector = Y.encodeStateVector(server)
    const vector = Y.encodeStateVector(client)
    client.transact(() => {
      for (const entry of ops) applyOp(client, columns, seen, entry)
    })
    applyChecked(server, Y.encodeStateAsUpdate(client, vector), 'attacker', permissionsOf[rights])
    Y.applyUpdate(client, Y.encodeStateAsUpdate(server, Y.encodeStateVector(client)))
    Y.applyUpdate(server, Y.encodeStateAsUpdate(client, Y.encodeStateVector(server)))
    const named = namedClocks(server)
    const stateBefore = Y.decodeStateVector(serverVector)
    // S287: every live value the update added is plain and named by a live row.
    for (let item = valuesOf(server)._start; item !== null; item = item.right) {
      if (item.deleted) continue
      expect(item.content).toBeInstanceOf(Y.ContentAny)
      for (let at = 0; at < item.length; at++) {
        const { client: owner, clock } = item.id
        if (clock + at >= (stateBefore.get(owner) ?? 0))
          expect(named.has(`${owner}:${clock + at}`)).toBe(true)
      }
    }
    // S289 (and S85): without the update right, a row that stays in its life keeps its cells.
    const after = readFormatThreeRows(server)
    if (rights === 'noUpdate') {
      for (const [id, row] of Object.entries(before)) {
        const stored = maps.rows.get(id) as { i?: unknown } | undefined
        if (after[id] !== undefined && stored?.i === incsBefore.get(id))
          expect(after[id].cells).toEqual(row.cells)
      }
    }
    expect(readFormatThreeRows(client)).toEqual(after)
  }
})
