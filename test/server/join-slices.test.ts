// A join's shared encoding in slices (S175): sync updates of bounded size, then a sync step 2
// with the delete set, shared by every joiner; our client and the stock y-websocket provider
// apply each slice as it comes and count as synced only after the sync step 2.
import { describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import * as Y from 'yjs'
import { connectTable } from '../../client/index.js'
import { createTable } from '../../src/index.js'
import { decodeMessage } from '../../src/internal.js'
import { createJoinState, type StateVector } from '../../server/join-state.js'
import { startServer } from '../helpers/start-server.js'
import { connectClient, connectStockProvider } from '../helpers/sync-client.js'
import { waitFor } from '../helpers/wait-for.js'

const empty: StateVector = new Map()
/** A slice ends after the struct that reaches its size: at most one struct more, a chunk of 100 rows' first values here (S282). */
const oneStruct = 2048
const columns = [
  { name: 'n', type: 'number' as const },
  { name: 'title', type: 'string' as const },
]

/** A table of `rows` rows with a few deleted, and a join state following its updates. */
function tableDoc(rows: number, sliceBytes: number) {
  const doc = new Y.Doc()
  const table = createTable({ doc, columns })
  table.insertRows(Array.from({ length: rows }, (_, n) => ({ n, title: `row ${String(n)}` })))
  table.deleteRows(table.rowIds().slice(0, 10))
  const joins = createJoinState(doc, undefined, { sliceBytes })
  doc.on('update', (update: Uint8Array) => joins.append(update))
  return { doc, table, joins }
}

const typesOf = (messages: Uint8Array[]): string[] =>
  messages.map((bytes) => decodeMessage(bytes).type)

function applyAll(messages: Uint8Array[], doc = new Y.Doc()): Y.Doc {
  for (const bytes of messages) {
    const message = decodeMessage(bytes)
    if (message.type === 'sync-step-2' || message.type === 'sync-update')
      Y.applyUpdate(doc, message.update)
  }
  return doc
}

describe('join state in slices', () => {
  it('S175: a large shared encoding goes as sync updates of bounded size, then a sync step 2; every joiner gets the same bytes', () => {
    const { table, joins } = tableDoc(2_000, 8 * 1024)
    const answer = joins.answer(empty)
    expect(answer.length).toBeGreaterThan(4)
    expect(typesOf(answer)).toEqual([
      ...answer.slice(0, -1).map(() => 'sync-update'),
      'sync-step-2',
    ])
    for (const message of answer.slice(0, -1))
      expect(message.byteLength).toBeLessThan(8 * 1024 + oneStruct)
    expect(joins.answer(empty).every((message, index) => message === answer[index])).toBe(true)
    expect(joins.bytes).toBe(answer.reduce((sum, message) => sum + message.byteLength, 0))
    expect(createTable({ doc: applyAll(answer) }).listRows()).toEqual(table.listRows())
    // The deleted rows come back to life in no slice: only the step 2 carries deletions.
    const partial = createTable({ doc: applyAll(answer.slice(0, -1)) })
    expect(partial.rowIds().length).toBeGreaterThanOrEqual(table.rowIds().length)
  })

  it('S175: updates applied after the encoding go after its slices and before its sync step 2', () => {
    const { table, joins } = tableDoc(2_000, 8 * 1024)
    const first = joins.answer(empty)
    table.updateRow(table.rowIds()[0]!, { n: -1 })
    const answer = joins.answer(empty)
    expect(answer).toHaveLength(first.length + 1)
    expect(answer.at(-1)).toBe(first.at(-1))
    expect(typesOf(answer).slice(-2)).toEqual(['sync-update', 'sync-step-2'])
    expect(createTable({ doc: applyAll(answer) }).listRows()).toEqual(table.listRows())
  })

  it('S175: a big tail (the log after a stored snapshot) goes in slices too', () => {
    const { doc } = tableDoc(500, 0)
    const state = Y.encodeStateAsUpdate(doc)
    const vector = Y.encodeStateVector(doc)
    const later = new Y.Doc()
    Y.applyUpdate(later, state)
    const table = createTable({ doc: later })
    table.insertRows(Array.from({ length: 2_000 }, (_, n) => ({ n, title: `late ${String(n)}` })))
    const log = Y.encodeStateAsUpdate(later, vector)
    const joins = createJoinState(
      later,
      { state, stateVector: Y.decodeStateVector(vector), updates: [log] },
      { sliceBytes: 8 * 1024, maxTailShare: 100 },
    )
    const answer = joins.answer(empty)
    expect(answer.length).toBeGreaterThan(
      state.byteLength / (8 * 1024) + log.byteLength / (8 * 1024),
    )
    for (const message of answer.slice(0, -1))
      expect(message.byteLength).toBeLessThan(8 * 1024 + oneStruct)
    expect(typesOf(answer).at(-1)).toBe('sync-step-2')
    expect(createTable({ doc: applyAll(answer) }).listRows()).toEqual(table.listRows())
  })

  it('S175: sliceBytes 0 (or a small table) keeps the one sync step 2', () => {
    expect(typesOf(tableDoc(2_000, 0).joins.answer(empty))).toEqual(['sync-step-2'])
    expect(typesOf(tableDoc(5, 8 * 1024).joins.answer(empty))).toEqual(['sync-step-2'])
  })
})

describe('joining a server that slices', () => {
  async function seeded(rows: number) {
    const server = await startServer({ joinSliceBytes: 8 * 1024 })
    const writer = connectClient(server.wsUrl, 'big')
    await writer.whenSynced()
    const table = createTable({ doc: writer.doc, columns })
    table.insertRows(Array.from({ length: rows }, (_, n) => ({ n, title: `row ${String(n)}` })))
    table.deleteRows(table.rowIds().slice(0, 5))
    await writer.save()
    return { server, table }
  }

  it('S175: the stock y-websocket provider applies the slices and is synced only with the whole table', async () => {
    const { server, table } = await seeded(3_000)
    const doc = new Y.Doc()
    const sizes: number[] = []
    doc.on('update', () => sizes.push(createTable({ doc }).rowIds().length))
    const { provider } = connectStockProvider(server.wsUrl, 'big', doc)
    let rowsAtSync = -1
    provider.on('sync', (isSynced: boolean) => {
      if (isSynced && rowsAtSync < 0) rowsAtSync = createTable({ doc }).rowIds().length
    })
    await waitFor(() => rowsAtSync >= 0, { what: 'the stock provider synced' })
    expect(rowsAtSync).toBe(table.rowIds().length)
    expect(createTable({ doc }).listRows()).toEqual(table.listRows())
    // Applied slice by slice: the rows grew over several updates before the sync.
    expect(new Set(sizes).size).toBeGreaterThan(3)
  })

  it('S175: our client applies each slice as it arrives and reports synced after the last', async () => {
    const { server, table } = await seeded(3_000)
    const conn = connectTable({ url: server.wsUrl, table: 'big', WebSocket })
    const sizes: number[] = []
    conn.table.doc.on('update', () => {
      if (conn.status !== 'synced') sizes.push(conn.table.rowIds().length)
    })
    try {
      await conn.whenSynced()
      expect(conn.table.listRows()).toEqual(table.listRows())
      expect(sizes.filter((size) => size > 0 && size < 3_000).length).toBeGreaterThan(3)
      // A late joiner after an edit: the tail goes with the same slices.
      table.updateRow(table.rowIds()[0]!, { n: -5 })
      const late = connectTable({ url: server.wsUrl, table: 'big', WebSocket })
      await late.whenSynced()
      expect(late.table.listRows()).toEqual(table.listRows())
      await late.close()
    } finally {
      await conn.close()
    }
  })
})
