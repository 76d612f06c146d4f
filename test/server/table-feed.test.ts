// The per-table sequencer of the fan-out: updates from other nodes apply in store order, gaps
// are read from the store.
import { describe, expect, it } from 'vitest'
import { createMemoryStore } from '../../src/index.js'
import { createTableFeed } from '../../server/cluster/table-feed.js'
import { waitFor } from '../helpers/wait-for.js'

const bytes = (value: number): Uint8Array => new Uint8Array([value])
/** Log entries with these bytes, as a node's group commit appends them. */
const logged = (...updates: Uint8Array[]) =>
  updates.map((update) => ({ update, atMs: 1000, author: null }))

const setup = (seq = 0, gapWaitMs = 20) => {
  const store = createMemoryStore()
  const applied: number[] = []
  const errors: unknown[] = []
  const feed = createTableFeed({
    table: 't',
    store,
    seq,
    gapWaitMs,
    apply: (updates) => applied.push(...updates.map((update) => update[0]!)),
    onError: (error) => errors.push(error),
  })
  return { store, applied, errors, feed }
}

describe('table feed', () => {
  it('S91: applies updates in sequence order, whatever order they arrive in', () => {
    const { feed, applied } = setup(0, 60_000)
    feed.receive(3, bytes(3))
    feed.receive(2, bytes(2))
    expect(applied).toEqual([])
    feed.receive(1, bytes(1))
    expect(applied).toEqual([1, 2, 3])
    feed.receive(2, bytes(2))
    expect(applied).toEqual([1, 2, 3])
    expect(feed.seq).toBe(3)
    feed.close()
  })

  it("S91: the node's own commits fill the sequence without being applied again", () => {
    const { feed, applied } = setup(5, 60_000)
    feed.receive(7, bytes(7))
    feed.own(6)
    expect(applied).toEqual([7])
    expect(feed.seq).toBe(7)
    feed.close()
  })

  it('S91: a gap no message fills is read from the store', async () => {
    const { feed, applied, store } = setup()
    await store.append('t', logged(bytes(1), bytes(2), bytes(3)))
    feed.receive(3, bytes(3))
    await waitFor(() => feed.seq === 3, { what: 'the gap to be read from the store' })
    expect(applied).toEqual([1, 2, 3])
    feed.close()
  })

  it('S90: a tick reads the store at once, snapshot included when it covers the gap', async () => {
    const { feed, applied, store } = setup(1, 60_000)
    await store.append('t', logged(bytes(1), bytes(2), bytes(3), bytes(4)))
    await store.compact('t', bytes(30), 3)
    feed.receive(4, new Uint8Array())
    await waitFor(() => feed.seq === 4, { what: 'the tick to be read' })
    expect(applied).toEqual([30, 4])
    feed.close()
  })

  it('reports a store failure and tries again', async () => {
    const { feed, errors, store } = setup()
    await store.close()
    feed.receive(2, bytes(2))
    await waitFor(() => errors.length > 0, { what: 'the failure to be reported' })
    expect(feed.seq).toBe(0)
    feed.close()
  })
})
