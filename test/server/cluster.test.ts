// The cluster logic over an in-process fanout (no Redis): rooms of one table on two nodes see
// each other's updates and presence, catch up after a lost connection, and drop a dead node's
// presence. The same behaviour over real Redis and PostgreSQL is in test/cluster/.
import * as Y from 'yjs'
import * as awarenessProtocol from 'y-protocols/awareness'
import { describe, expect, it } from 'vitest'
import { createMemoryStore, type Store } from '../../src/index.js'
import { createMemoryFanoutHub, type MemoryFanoutHub } from '../../server/adapters/memory-fanout.js'
import { decodeNodeMessage, encodeNodeMessage } from '../../server/cluster/messages.js'
import { startInProcessNode } from '../helpers/in-process-node.js'
import { waitFor } from '../helpers/wait-for.js'

const startNode = (hub: MemoryFanoutHub, store: Store, nodeTimeoutMs = 60_000) =>
  startInProcessNode(hub, store, { nodeTimeoutMs })

describe('cluster (in-process fanout)', () => {
  it('S91: an update committed on one node reaches the same table on another', async () => {
    const hub = createMemoryFanoutHub()
    const store = createMemoryStore()
    const [a, b] = await Promise.all([startNode(hub, store), startNode(hub, store)])
    const roomA = await a.rooms.acquire('t', { canCreate: true })
    const roomB = await b.rooms.acquire('t', { canCreate: true })
    roomA.doc.getMap('m').set('x', 1)
    await waitFor(() => roomB.doc.getMap('m').get('x') === 1, { what: 'the update on node B' })
    // Node B relays it to its connections, never stores it again.
    expect((await store.load('t')).updates).toHaveLength(1)
    expect(b.cluster.status()).toMatchObject({
      nodeId: b.cluster.nodeId,
      isFanoutUp: true,
      otherNodes: 1,
      tables: 1,
      updatesReceived: 1,
      publishFailures: 0,
    })
  })

  it('S91: a node cut off from the fanout catches up from the store when it is back', async () => {
    const hub = createMemoryFanoutHub()
    const store = createMemoryStore()
    const [a, b] = await Promise.all([startNode(hub, store), startNode(hub, store)])
    const roomA = await a.rooms.acquire('t', { canCreate: true })
    const roomB = await b.rooms.acquire('t', { canCreate: true })
    b.fanout.cut()
    for (let index = 0; index < 5; index++) {
      roomA.doc.getMap('m').set(`k${index}`, index)
      await roomA.flushed()
    }
    expect(roomB.doc.getMap('m').size).toBe(0)
    b.fanout.restore()
    await waitFor(() => roomB.doc.getMap('m').size === 5, { what: 'node B to catch up' })
  })

  it('S91: updates announced while the fanout was down go out as ticks when it is back', async () => {
    const hub = createMemoryFanoutHub()
    const store = createMemoryStore()
    const [a, b] = await Promise.all([startNode(hub, store, 200), startNode(hub, store, 200)])
    const roomA = await a.rooms.acquire('t', { canCreate: true })
    const roomB = await b.rooms.acquire('t', { canCreate: true })
    a.fanout.cut()
    roomA.doc.getMap('m').set('late', true)
    await roomA.flushed()
    a.fanout.restore()
    await waitFor(() => roomB.doc.getMap('m').get('late') === true, { what: 'the tick' })
  })

  it('S93: presence crosses nodes; a silent node’s states go within the node timeout', async () => {
    const hub = createMemoryFanoutHub()
    const store = createMemoryStore()
    const [a, b] = await Promise.all([startNode(hub, store, 200), startNode(hub, store, 200)])
    const roomA = await a.rooms.acquire('t', { canCreate: true })
    const roomB = await b.rooms.acquire('t', { canCreate: true })
    const client = new awarenessProtocol.Awareness(new Y.Doc())
    client.setLocalState({ user: 'ada' })
    const update = awarenessProtocol.encodeAwarenessUpdate(client, [client.clientID])
    awarenessProtocol.applyAwarenessUpdate(roomA.awareness, update, 'a connection')
    await waitFor(() => roomB.awareness.getStates().has(client.clientID), {
      what: 'the presence on node B',
    })
    a.fanout.cut()
    await waitFor(() => !roomB.awareness.getStates().has(client.clientID), {
      what: 'node A’s presence to time out on node B',
    })
    client.destroy()
  })

  it('S93: a node that leaves takes its presence states with it at once', async () => {
    const hub = createMemoryFanoutHub()
    const store = createMemoryStore()
    const [a, b] = await Promise.all([startNode(hub, store), startNode(hub, store)])
    const roomA = await a.rooms.acquire('t', { canCreate: true })
    const roomB = await b.rooms.acquire('t', { canCreate: true })
    const client = new awarenessProtocol.Awareness(new Y.Doc())
    client.setLocalState({ user: 'ada' })
    const update = awarenessProtocol.encodeAwarenessUpdate(client, [client.clientID])
    awarenessProtocol.applyAwarenessUpdate(roomA.awareness, update, 'a connection')
    await waitFor(() => roomB.awareness.getStates().has(client.clientID), { what: 'presence' })
    await a.cluster.close()
    await waitFor(() => !roomB.awareness.getStates().has(client.clientID), {
      what: 'the leaving node’s presence to go',
    })
    client.destroy()
  })

  it('S93: a node that loads a table shows the presence other nodes already hold', async () => {
    const hub = createMemoryFanoutHub()
    const store = createMemoryStore()
    const [a, b] = await Promise.all([startNode(hub, store), startNode(hub, store)])
    const roomA = await a.rooms.acquire('t', { canCreate: true })
    const client = new awarenessProtocol.Awareness(new Y.Doc())
    client.setLocalState({ user: 'ada' })
    const update = awarenessProtocol.encodeAwarenessUpdate(client, [client.clientID])
    awarenessProtocol.applyAwarenessUpdate(roomA.awareness, update, 'a connection')
    const roomB = await b.rooms.acquire('t', { canCreate: true })
    await waitFor(() => roomB.awareness.getStates().has(client.clientID), {
      what: 'the presence node A held before node B loaded the table',
    })
    client.destroy()
  })

  it('ignores and reports a malformed message between nodes', async () => {
    const hub = createMemoryFanoutHub()
    const node = await startNode(hub, createMemoryStore())
    const other = hub.connect()
    await other.publish('tessera:nodes', new Uint8Array([9, 9, 9]))
    await waitFor(() => node.errors.length === 1, { what: 'the report' })
    const heartbeat = encodeNodeMessage({ type: 3, node: 'n' })
    expect(decodeNodeMessage(heartbeat)).toEqual({ type: 3, node: 'n' })
  })
})
