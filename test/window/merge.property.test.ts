// S135 as a property: random edits by window clients and full replicas, some made offline and
// sent on reconnect, through a real server on 127.0.0.1. Every replica ends with exactly the
// cells a pure-Yjs merge of every update anyone made gives, and every window shows the query run
// on that merge (S139), and holds every edit the clients' APIs accepted that no other client
// wrote over (a model of the edits, merge-model.ts: it sees a write dropped before it was sent).
// The table holds packed rows (data format 2) and rows of format 1 (S127).
// TESSERA_PROPERTY_RUNS sets the number of runs (default 6).
import fc from 'fast-check'
import { describe, expect, it, onTestFinished } from 'vitest'
import { WebSocket } from 'ws'
import * as Y from 'yjs'
import type { Connection } from '../../client/index.js'
import { connectQuery, type QueryConnection } from '../../client/query/connect-query.js'
import { createTable, type Query, type Row } from '../../src/index.js'
import { decodeMessage, positionsBetween } from '../../src/internal.js'
import { connect, startServer, uniqueTable, waitFor } from '../client/helpers.js'
import { createMergeModel, type MergeModel } from './merge-model.js'

const numRuns = Number(process.env.TESSERA_PROPERTY_RUNS || 12)
const queries: Pick<Query, 'where' | 'orderBy'>[] = [
  {},
  { where: { done: false }, orderBy: [['priority', 'desc']] },
]
const windows = [
  { offset: 0, limit: 8 },
  { offset: 2, limit: 6 },
]

/** Every update a window client sends, recorded on its way out (resends included). */
function recordingWebSocket(record: (update: Uint8Array) => void) {
  return class extends WebSocket {
    override send(data: Uint8Array): void {
      const message = decodeMessage(data)
      if (message.type === 'sync-update') record(message.update)
      super.send(data)
    }
  }
}

const command = fc.oneof(
  fc.record({
    kind: fc.constant('edit' as const),
    client: fc.nat(3),
    pick: fc.nat(40),
    cell: fc.oneof(
      fc.string({ maxLength: 4 }).map((title) => ({ title })),
      fc.integer({ min: 0, max: 9 }).map((priority) => ({ priority })),
      fc.boolean().map((done) => ({ done })),
    ),
  }),
  fc.record({ kind: fc.constant('insert' as const), client: fc.nat(3), priority: fc.nat(9) }),
  fc.record({ kind: fc.constant('delete' as const), client: fc.nat(3), pick: fc.nat(40) }),
  fc.record({
    kind: fc.constant('move' as const),
    client: fc.constantFrom(0, 1, 2),
    pick: fc.nat(40),
    to: fc.nat(40),
  }),
  fc.record({ kind: fc.constant('offline' as const), client: fc.nat(3) }),
  fc.record({ kind: fc.constant('online' as const), client: fc.nat(3) }),
  fc.constant({ kind: 'settle' as const }),
)
type Command = typeof command extends fc.Arbitrary<infer T> ? T : never

interface Replicas {
  full: Connection[]
  windows: QueryConnection[]
  online: boolean[]
  /** Every edit the clients' APIs accepted (a silently dropped one shows against it). */
  model: MergeModel
}

/** Adds 4 rows, first in the manual order, as a writer of data format 1 stored them (cells named, S127). */
function seedFormatOne({ table }: Connection, model: MergeModel): void {
  const ids = new Map(table.columns().map((column) => [column.name, column.id]))
  // First in the manual order, so the first window holds them.
  const first = table.rowIds()[0]
  const positions = positionsBetween(
    null,
    first === undefined ? null : table.getPosition(first)!,
    4,
  )
  table.doc.transact(() => {
    positions.forEach((position, at) => {
      const c = {
        [ids.get('title')!]: `f${at}`,
        [ids.get('priority')!]: at,
        [ids.get('done')!]: at === 1,
      }
      table.doc.getMap('rows').set(`format1-${at}`, { i: at + 1, p: position, c })
      model.inserted(`format1-${at}`)
      model.wrote('seed', `format1-${at}`, { title: `f${at}`, priority: at, done: at === 1 })
    })
  })
}

/** Runs one command; clients 0-1 are full replicas, 2-3 window clients. Skips what S136 refuses. */
async function run(replicas: Replicas, step: Command): Promise<void> {
  if (step.kind === 'settle') {
    await settle(replicas)
    return
  }
  const isFull = step.client < 2
  const { model } = replicas
  const full = replicas.full[step.client]
  const window = replicas.windows[step.client - 2]
  if (step.kind === 'offline' || step.kind === 'online') {
    replicas.online[step.client] = step.kind === 'online'
    const target = isFull ? full! : window!
    if (step.kind === 'online') target.connect()
    else target.disconnect()
    return
  }
  if (step.kind === 'insert') {
    const cells = { title: 'new', priority: step.priority }
    const id = isFull ? full!.table.insertRow(cells) : window!.insertRow(cells)
    model.inserted(id)
    model.wrote(step.client, id, cells)
    return
  }
  const rows: readonly Row[] = isFull ? full!.table.listRows() : window!.rows
  const row = rows[step.pick % Math.max(1, rows.length)]
  if (row === undefined) return
  if (step.kind === 'edit') {
    if (isFull) full!.table.updateRow(row.id, step.cell)
    else window!.updateRow(row.id, step.cell)
    model.wrote(step.client, row.id, step.cell)
  } else if (step.kind === 'delete') {
    if (isFull) full!.table.deleteRow(row.id)
    else if (!window!.deleteRow(row.id)) return
    model.deleted(row.id)
  } else {
    const anchor = rows[step.to % rows.length]!
    // A window client places rows only between rows it shows (S136): not at the window's edge.
    const index = rows.indexOf(anchor)
    if (anchor.id === row.id || (!isFull && index === 0)) return
    if (isFull) full!.table.moveRow(row.id, { before: anchor.id })
    else window!.moveRow(row.id, { before: anchor.id })
  }
}

/** Waits until every online client's edits are durable on the server. */
async function settle({ full, windows: open, online }: Replicas): Promise<void> {
  await Promise.all([
    ...full.filter((_, index) => online[index]).map((replica) => replica.whenSaved()),
    ...open.filter((_, index) => online[index + 2]).map((window) => window.whenSaved()),
  ])
}

describe('partial sync merge', () => {
  it(
    'S135: window clients and full replicas end with the cells a pure-Yjs merge gives, and every accepted edit no one wrote over',
    { timeout: 300_000 },
    async () => {
      const server = await startServer()
      await fc.assert(
        fc.asyncProperty(fc.array(command, { minLength: 12, maxLength: 40 }), async (steps) => {
          const table = uniqueTable('merge')
          const updates: Uint8Array[] = []
          const record = (update: Uint8Array): void => {
            updates.push(update)
          }
          const fullReplica = (): Connection => {
            const replica = connect({ url: server.url, table })
            // What it wrote while opening (its metadata), then every local transaction.
            record(Y.encodeStateAsUpdate(replica.table.doc))
            replica.table.doc.on(
              'update',
              (update: Uint8Array, _: unknown, __: Y.Doc, tr: Y.Transaction) => {
                if (tr.local) record(update)
              },
            )
            return replica
          }
          const model = createMergeModel()
          const first = fullReplica()
          first.table.addColumn({ name: 'title', type: 'string' })
          first.table.addColumn({ name: 'priority', type: 'number', default: 0 })
          first.table.addColumn({ name: 'done', type: 'boolean', default: false })
          const seedRows = Array.from({ length: 16 }, (_, i) => ({
            title: `r${i}`,
            priority: i % 5,
            done: i % 3 === 0,
          }))
          first.table.insertRows(seedRows).forEach((id, i) => {
            model.inserted(id)
            model.wrote('seed', id, seedRows[i]!)
          })
          seedFormatOne(first, model)
          await first.whenSaved()
          const second = fullReplica()
          await second.whenSynced()
          const opened = queries.map((query, index) => {
            const window = connectQuery({
              url: server.url,
              table,
              query,
              ...windows[index]!,
              WebSocket: recordingWebSocket(record),
              maxBackoffMs: 200,
            })
            onTestFinished(() => window.close())
            return window
          })
          await Promise.all(opened.map((window) => window.whenLoaded()))
          const replicas: Replicas = {
            full: [first, second],
            windows: opened,
            online: [true, true, true, true],
            model,
          }
          for (const step of steps) await run(replicas, step)
          for (const [index, isOnline] of replicas.online.entries())
            if (!isOnline) await run(replicas, { kind: 'online', client: index })
          await settle(replicas)

          const merged = new Y.Doc()
          for (const update of updates) Y.applyUpdate(merged, update)
          const reference = createTable({ doc: merged })
          const expected = JSON.stringify(reference.listRows())
          const late = connect({ url: server.url, table })
          await late.whenSynced()
          for (const replica of [first, second, late])
            await waitFor(() => JSON.stringify(replica.table.listRows()) === expected, {
              what: 'a full replica equal to the pure-Yjs merge',
            })
          for (const [index, window] of opened.entries()) {
            const want = reference.query({ ...queries[index], ...windows[index] })
            const total = reference.query({ ...queries[index] }).length
            await waitFor(
              () => JSON.stringify(window.rows) === JSON.stringify(want) && window.total === total,
              { what: `window ${index} equal to the query on the merge` },
            )
          }
          // The merge of what was sent cannot see a write that was never sent: the model can.
          for (const replica of [first, second, late])
            expect(model.check(replica.table.listRows())).toEqual([])
          for (const window of opened) expect(model.check(window.rows, true)).toEqual([])
          await Promise.all([first, second, late].map((replica) => replica.close()))
          await Promise.all(opened.map((window) => window.close()))
          expect(late.table.listRows()).toEqual(reference.listRows())
        }),
        { numRuns, endOnFailure: true },
      )
    },
  )
})
