// The shared sync answer for joiners (server/join-state.ts, S125): one encoding for every replica
// that lacks most of the table, the updates since as a tail, and exact answers for the others.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createTable } from '../../src/index.js'
import { decodeMessage } from '../../src/internal.js'
import { createJoinState, type StateVector } from '../../server/join-state.js'
import { startServer } from '../helpers/start-server.js'
import { connectClient } from '../helpers/sync-client.js'

const empty: StateVector = new Map()
const vectorOf = (doc: Y.Doc): StateVector => Y.decodeStateVector(Y.encodeStateVector(doc))

/** A doc with a table of `rows` rows, and a join state that follows its updates. */
function tableDoc(rows: number) {
  const doc = new Y.Doc()
  const table = createTable({ doc, columns: [{ name: 'n', type: 'number' }] })
  table.insertRows(Array.from({ length: rows }, (_, n) => ({ n })))
  const joins = createJoinState(doc)
  doc.on('update', (update: Uint8Array) => joins.append(update))
  return { doc, table, joins }
}

/** Applies answer messages to a new doc; returns its table's rows. */
function apply(messages: Uint8Array[], doc = new Y.Doc()) {
  for (const bytes of messages) {
    const message = decodeMessage(bytes)
    if (message.type !== 'sync-step-2' && message.type !== 'sync-update')
      throw new Error(`unexpected ${message.type}`)
    Y.applyUpdate(doc, message.update)
  }
  return createTable({ doc }).listRows()
}

describe('join state', () => {
  it('S125: replicas that lack the table share one encoding, the same bytes for each', () => {
    const { doc, table, joins } = tableDoc(100)
    const first = joins.answer(empty)
    const second = joins.answer(empty)
    expect(first).toHaveLength(1)
    expect(second[0]).toBe(first[0])
    expect(apply(first)).toEqual(table.listRows())
    expect(joins.bytes).toBe(first[0]!.byteLength)
    // A replica that has a quarter of the table still lacks most of it.
    const partial = new Map([...vectorOf(doc)].map(([client, clock]) => [client, clock / 4]))
    expect(joins.answer(partial)[0]).toBe(first[0])
  })

  it('S125: updates applied after the encoding go as one update just before it, so its sync step 2 completes the table', () => {
    const { table, joins } = tableDoc(100)
    const [shared] = joins.answer(empty)
    const ids = table.rowIds()
    table.updateRow(ids[0]!, { n: -1 })
    table.deleteRow(ids[1]!)
    const answer = joins.answer(empty)
    expect(answer).toHaveLength(2)
    expect(answer[1]).toBe(shared)
    expect(decodeMessage(answer[0]!).type).toBe('sync-update')
    expect(apply(answer)).toEqual(table.listRows())
    expect(joins.answer(empty)[0]).toBe(answer[0])
  })

  it('S125: a replica that lacks little gets exactly what it lacks', () => {
    const { doc, table, joins } = tableDoc(100)
    const replica = new Y.Doc()
    Y.applyUpdate(replica, Y.encodeStateAsUpdate(doc))
    const [shared] = joins.answer(empty)
    table.updateRow(table.rowIds()[5]!, { n: 500 })
    const answer = joins.answer(vectorOf(replica))
    expect(answer).toHaveLength(1)
    expect(answer[0]).not.toBe(shared)
    expect(answer[0]!.byteLength).toBeLessThan(shared!.byteLength / 10)
    expect(apply(answer, replica)).toEqual(table.listRows())
  })

  it('S125: the held bytes stay bounded: a long tail makes a new encoding', () => {
    const { table, joins } = tableDoc(200)
    const [shared] = joins.answer(empty)
    const ids = table.rowIds()
    for (const [index, id] of ids.entries()) table.updateRow(id, { n: -index })
    expect(joins.bytes).toBeLessThanOrEqual(shared!.byteLength * 1.25)
    const answer = joins.answer(empty)
    expect(answer[0]).not.toBe(shared)
    expect(apply(answer)).toEqual(table.listRows())
  })

  it('S125: an encoding given at the start (the stored snapshot) is shared as it is', () => {
    const { doc } = tableDoc(50)
    const state = Y.encodeStateAsUpdate(doc)
    const later = new Y.Doc()
    Y.applyUpdate(later, state)
    const vector = Y.encodeStateVector(later)
    createTable({ doc: later }).insertRow({ n: 7 })
    const tail = Y.encodeStateAsUpdate(later, vector)
    const joins = createJoinState(later, {
      state,
      stateVector: Y.decodeStateVector(vector),
      updates: [tail],
    })
    const answer = joins.answer(empty)
    expect(decodeMessage(answer.at(-1)!)).toEqual({ type: 'sync-step-2', update: state })
    expect(apply(answer)).toEqual(createTable({ doc: later }).listRows())
  })
})

it('S125: clients joining a loaded table get the shared encoding from the server', async () => {
  const server = await startServer()
  const writer = connectClient(server.wsUrl, 'joined')
  await writer.whenSynced()
  const table = createTable({ doc: writer.doc, columns: [{ name: 'n', type: 'number' }] })
  table.insertRows(Array.from({ length: 500 }, (_, n) => ({ n })))
  await writer.save()
  const joiners = [connectClient(server.wsUrl, 'joined'), connectClient(server.wsUrl, 'joined')]
  await Promise.all(joiners.map((joiner) => joiner.whenSynced()))
  for (const joiner of joiners)
    expect(createTable({ doc: joiner.doc }).listRows()).toEqual(table.listRows())
  table.updateRow(table.rowIds()[0]!, { n: -1 })
  await writer.save()
  const late = connectClient(server.wsUrl, 'joined')
  await late.whenSynced()
  expect(createTable({ doc: late.doc }).listRows()).toEqual(table.listRows())
})
