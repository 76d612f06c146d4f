// Convergence under random schedules (STYLE 2.6): 2–5 replicas, random edits of every kind,
// updates delivered in random order, duplicated and delayed, replicas going offline and back.
import { fc, test } from '@fast-check/vitest'
import { expect } from 'vitest'
import { isTesseraError, type Table } from '../../src/index.js'
import { createNetwork, rebuilt, snapshotOf, type Network } from '../helpers/replicas.js'

const numRuns = Number(process.env.TESSERA_PROPERTY_RUNS || 200)
const rowIds = ['r1', 'r2', 'r3', 'r4', 'r5', 'r6']
const names = ['title', 'priority', 'owner', 'note']
const types = ['string', 'number', 'boolean', 'date', 'json'] as const
const values = fc.oneof(
  fc.string({ maxLength: 3 }),
  fc.integer({ min: -5, max: 5 }),
  fc.boolean(),
  fc.constant(null),
)

type Command = (network: Network) => void
const onReplica =
  (replica: number, edit: (table: Table) => void): Command =>
  (network) => {
    const tables = network.tables
    edit(tables[replica % tables.length]!)
  }

const edit = fc.oneof(
  fc
    .tuple(fc.nat(), fc.constantFrom(...rowIds), fc.constantFrom(...names), values)
    .map(([replica, id, name, value]) =>
      onReplica(replica, (table) => table.setCell(id, name, value)),
    ),
  fc
    .tuple(
      fc.nat(),
      fc.option(fc.constantFrom(...rowIds)),
      fc.option(fc.constantFrom(...rowIds)),
      fc.boolean(),
    )
    .map(([replica, id, anchor, before]) =>
      onReplica(replica, (table) =>
        table.insertRow(
          {},
          {
            ...(id === null ? {} : { id }),
            ...(anchor === null ? {} : before ? { before: anchor } : { after: anchor }),
          },
        ),
      ),
    ),
  fc
    .tuple(fc.nat(), fc.constantFrom(...rowIds))
    .map(([replica, id]) => onReplica(replica, (table) => table.deleteRow(id))),
  fc
    .tuple(fc.nat(), fc.constantFrom(...rowIds), fc.constantFrom(...rowIds), fc.boolean())
    .map(([replica, id, anchor, before]) =>
      onReplica(replica, (table) =>
        table.moveRow(id, before ? { before: anchor } : { after: anchor }),
      ),
    ),
  fc
    .tuple(fc.nat(), fc.constantFrom(...names), fc.constantFrom(...types))
    .map(([replica, name, type]) => onReplica(replica, (table) => table.addColumn({ name, type }))),
  fc
    .tuple(fc.nat(), fc.constantFrom(...names), fc.constantFrom(...names))
    .map(([replica, name, newName]) =>
      onReplica(replica, (table) => table.renameColumn(name, newName)),
    ),
  fc
    .tuple(fc.nat(), fc.constantFrom(...names))
    .map(([replica, name]) => onReplica(replica, (table) => table.removeColumn(name))),
  fc
    .tuple(fc.nat(), fc.constantFrom(...names), fc.constantFrom(...types))
    .map(([replica, name, type]) => onReplica(replica, (table) => table.setColumnType(name, type))),
  fc.tuple(fc.nat(), fc.array(fc.constantFrom(...rowIds), { maxLength: 3 })).map(([replica, ids]) =>
    onReplica(replica, (table) =>
      table.transact(() => {
        for (const id of ids) table.insertRow({}, { id })
        table.deleteRows(ids.slice(1))
      }),
    ),
  ),
)

const networkEvent = fc.oneof(
  fc.tuple(fc.nat(), fc.nat()).map(
    ([to, pick]): Command =>
      (network) =>
        network.deliverOne(to % network.tables.length, pick),
  ),
  fc.tuple(fc.nat(), fc.nat()).map(
    ([to, pick]): Command =>
      (network) =>
        network.duplicate(to % network.tables.length, pick),
  ),
  fc.nat().map(
    (index): Command =>
      (network) =>
        network.disconnect(index % network.tables.length),
  ),
  fc.nat().map(
    (index): Command =>
      (network) =>
        network.reconnect(index % network.tables.length),
  ),
)

const run = (network: Network, commands: readonly Command[]): void => {
  for (const command of commands) {
    try {
      command(network)
    } catch (error) {
      // A command can be invalid in the state it meets (a renamed column, a deleted row): the
      // table must refuse it with a TesseraError and change nothing; anything else is a bug.
      if (!isTesseraError(error)) throw error
    }
  }
}

test.prop(
  [fc.integer({ min: 2, max: 5 }), fc.array(fc.oneof(edit, edit, networkEvent), { maxLength: 60 })],
  { numRuns },
)(
  'S18: after full delivery every replica shows the same schema, rows and order, equal to a rebuild from all updates',
  (count, commands) => {
    const network = createNetwork(count, { columns: [{ name: 'title', type: 'string' }] })
    run(network, commands)
    network.deliverAll()
    const expected = snapshotOf(network.tables[0]!)
    for (const table of network.tables) expect(snapshotOf(table)).toEqual(expected)
    expect(snapshotOf(rebuilt(network.tables))).toEqual(expected)
    // Every replica's live row count matches its order index (no duplicated or lost row).
    for (const table of network.tables) expect(new Set(table.rowIds()).size).toBe(table.size)
  },
)
