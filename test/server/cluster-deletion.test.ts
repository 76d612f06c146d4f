// S210 over an in-process fanout (no Redis): a deletion reaches the rooms of every node, also
// when its message was lost, and a node's writes for a deleted table are refused by the store.
// The same over real Redis, PostgreSQL and WebSocket clients is test/cluster/deletion.test.ts.
import { describe, expect, it } from 'vitest'
import { createMemoryStore, type Store } from '../../src/index.js'
import { createMemoryFanoutHub, type MemoryFanoutHub } from '../../server/adapters/memory-fanout.js'
import { decodeNodeMessage, encodeNodeMessage } from '../../server/cluster/messages.js'
import type { Peer } from '../../server/room.js'
import { startInProcessNode } from '../helpers/in-process-node.js'
import { waitFor } from '../helpers/wait-for.js'

const startNode = (hub: MemoryFanoutHub, store: Store) => startInProcessNode(hub, store)

/** A connection as a room sees it, remembering how it was closed. */
const fakePeer = (): Peer & { closedWith?: number } => {
  const peer: Peer & { closedWith?: number } = {
    send: () => undefined,
    sendPresence: () => undefined,
    awarenessIds: new Set(),
    isAwaitingSyncReply: false,
    author: null,
    close(code) {
      peer.closedWith = code
    },
  }
  return peer
}

describe('deleting a table on a cluster (in-process fanout)', () => {
  it('S210: the deletion message round-trips with its generation', () => {
    const message = { type: 6, node: 'n1', generation: 300 } as const
    expect(decodeNodeMessage(encodeNodeMessage(message))).toEqual(message)
  })

  it('S210: a node that missed the deletion (cut off) unloads the table when it catches up', async () => {
    const hub = createMemoryFanoutHub()
    const store = createMemoryStore()
    const [a, b] = await Promise.all([startNode(hub, store), startNode(hub, store)])
    const roomB = await b.rooms.acquire('t', { canCreate: true })
    const reader = fakePeer()
    roomB.join(reader)
    roomB.doc.getMap('m').set('x', 1)
    await roomB.flushed()
    b.fanout.cut()
    expect(await a.rooms.drop('t')).toBe(true)
    expect(reader.closedWith).toBeUndefined()
    b.fanout.restore()
    await waitFor(() => reader.closedWith === 4404, { what: 'the reader on b closed with 4404' })
    expect(b.rooms.loaded()).not.toContain('t')
    expect(await store.list()).toEqual([])
  })

  it('S210: a room loaded after the deletion holds the new table and is not unloaded', async () => {
    const hub = createMemoryFanoutHub()
    const store = createMemoryStore()
    const [a, b] = await Promise.all([startNode(hub, store), startNode(hub, store)])
    const old = await b.rooms.acquire('t', { canCreate: true })
    old.doc.getMap('m').set('x', 1)
    await old.flushed()
    await a.rooms.drop('t')
    await waitFor(() => !b.rooms.loaded().includes('t'), { what: 'b to unload the old table' })
    const fresh = await b.rooms.acquire('t', { canCreate: true })
    expect(fresh.generation).toBe(1)
    fresh.doc.getMap('m').set('y', 2)
    await fresh.flushed()
    // A late copy of the same deletion changes nothing for the new table.
    b.cluster.announceDeleted('t', 1)
    a.cluster.announceDeleted('t', 1)
    const again = await b.rooms.acquire('t', { canCreate: false })
    expect(again).toBe(fresh)
    expect((await store.load('t')).updates).toHaveLength(1)
  })

  it('S210: a write of a node that did not hear of the deletion is refused and closes its peers with 4404', async () => {
    const hub = createMemoryFanoutHub()
    const store = createMemoryStore()
    const [a, b] = await Promise.all([startNode(hub, store), startNode(hub, store)])
    const roomB = await b.rooms.acquire('t', { canCreate: true })
    const writer = fakePeer()
    roomB.join(writer)
    roomB.doc.getMap('m').set('x', 1)
    await roomB.flushed()
    b.fanout.cut()
    await a.rooms.drop('t')
    roomB.doc.getMap('m').set('late', 2)
    const error: unknown = await roomB.flushed().catch((caught: unknown) => caught)
    expect(error).toMatchObject({ code: 'TABLE_NOT_FOUND' })
    expect(writer.closedWith).toBe(4404)
    expect(b.rooms.loaded()).not.toContain('t')
    expect(await store.list()).toEqual([])
    // Counted as what it is, not as a storage fault.
    const counted = await b.metrics.registry.metrics()
    expect(counted).toContain('tessera_errors_total{code="TABLE_NOT_FOUND"} 1')
    expect(counted).not.toContain('code="STORAGE_FAILURE"')
  })
})
