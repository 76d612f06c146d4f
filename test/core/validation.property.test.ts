// After any update a foreign writer can make, the validated document holds only values that fit
// their columns (S30, S31): the stored state never violates the schema.
import { fc, test } from '@fast-check/vitest'
import { expect } from 'vitest'
import * as Y from 'yjs'
import { createTable } from '../../src/index.js'
import { fitsType } from '../../src/schema.js'
import { allPermissions, applyChecked } from '../../src/internal.js'
import { storedCells, writeRawOverride, writeRawPackedRow } from '../helpers/raw-cells.js'

const numRuns = Number(process.env.TESSERA_PROPERTY_RUNS || 200)
const columnIds = ['s', 'n', 'b', 'd', 'gone', 'unknown']
const raw = fc.oneof(
  fc.string({ maxLength: 4 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.object({ maxDepth: 1 }),
)
const write = fc.oneof(
  fc
    .tuple(fc.constantFrom('r1', 'r2', 'r3'), fc.constantFrom(...columnIds), raw)
    .map(([row, column, value]) => ({ kind: 'cell' as const, row, column, value })),
  fc
    .tuple(
      fc.constantFrom('r1', 'r2', 'r4'),
      fc.dictionary(fc.constantFrom(...columnIds), raw),
      fc.boolean(),
    )
    .map(([row, cells, isPacked]) => ({ kind: 'row' as const, row, cells, isPacked })),
  fc
    .tuple(fc.constantFrom('r1', 'r2', 'r3'), raw)
    .map(([row, value]) => ({ kind: 'junk' as const, row, value })),
)

test.prop([fc.array(write, { maxLength: 12 })], { numRuns })(
  'S30: every stored value fits its column after validation',
  (writes) => {
    const server = createTable({
      columns: [
        { name: 's', type: 'string' },
        { name: 'n', type: 'number' },
        { name: 'b', type: 'boolean' },
        { name: 'd', type: 'date' },
        { name: 'gone', type: 'string' },
      ],
    })
    server.insertRows([{ id: 'r1' }, { id: 'r2', s: 'x' }, { id: 'r3', n: 1 }])
    server.removeColumn('gone')
    const client = new Y.Doc()
    Y.applyUpdate(client, Y.encodeStateAsUpdate(server.doc))
    const vector = Y.encodeStateVector(client)
    client.transact(() => {
      for (const entry of writes) {
        const inc = (client.getMap('rows').get(entry.row) as { i?: number } | undefined)?.i ?? 0
        if (entry.kind === 'cell') {
          if (client.getMap('rows').has(entry.row))
            writeRawOverride(client, entry.row, entry.column, entry.value)
          else client.getMap('cells').set(`${entry.row}\u0000${entry.column}`, [inc, entry.value])
        } else if (entry.kind === 'row' && entry.isPacked)
          writeRawPackedRow(client, entry.row, entry.cells)
        else if (entry.kind === 'row')
          client.getMap('rows').set(entry.row, { i: 7, p: 'a5', c: entry.cells })
        else {
          client.getMap('cells').set(`${entry.row}\u0000s`, entry.value)
          client.getMap('o').set(`\u0001${entry.row}`, entry.value)
        }
      }
    })
    applyChecked(server.doc, Y.encodeStateAsUpdate(client, vector), 'writer', allPermissions)
    const types = new Map(server.columns().map((column) => [column.id as string, column.type]))
    for (const [column, value] of storedCells(server.doc)) {
      expect(types.has(column)).toBe(true)
      expect(fitsType(types.get(column)!, value)).toBe(true)
    }
  },
)
