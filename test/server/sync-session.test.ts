// The seam between sync sessions and transports: the server's connection and the client's sync
// session talk over in-memory transports, with no socket anywhere (docs/architecture.md).
import * as Y from 'yjs'
import { Awareness } from 'y-protocols/awareness'
import { describe, expect, it } from 'vitest'
import { createMemoryStore, createTable } from '../../src/index.js'
import {
  createMemoryTransportPair,
  type TablePermissions,
  type Transport,
  type TransportClose,
} from '../../src/internal.js'
import { startSyncSession, type Notice } from '../../client/sync-session.js'
import { createSavedTracker } from '../../client/saved.js'
import { createReverter } from '../../client/revert.js'
import { serveConnection } from '../../server/connection.js'
import { createLimits } from '../../server/limits.js'
import { createMetrics } from '../../server/metrics.js'
import { createRooms } from '../../server/rooms.js'
import { waitFor } from '../helpers/wait-for.js'

const limitOptions = {
  maxMessageBytes: 1024 * 1024,
  maxMessagesPerSecond: 1000,
  maxBytesPerSecond: 1024 * 1024,
  maxBufferedBytes: 1024 * 1024,
  maxConnectionsPerIp: 100,
  maxPendingConnections: 100,
  maxPendingBytes: 1024 * 1024,
  maxUpdateStructs: 100_000,
  maxValueDepth: 64,
  syncAnswerBytesPerSecond: 1024 * 1024,
  syncAnswerBurstBytes: 16 * 1024 * 1024,
}

/** A server without sockets: rooms over a memory store, connections over memory transports. */
const startMemoryServer = () => {
  const metrics = createMetrics()
  const silent = { info: () => undefined, warn: () => undefined, error: () => undefined }
  const rooms = createRooms({
    store: createMemoryStore(),
    metrics,
    logger: silent,
    compactAfterUpdates: 1000,
    compactAfterBytes: 1024 * 1024,
    historyRetentionMs: 0,
    idleUnloadMs: 60_000,
    onStorageFailure: () => undefined,
  })
  const limits = createLimits(limitOptions, metrics.registry)
  return {
    rooms,
    /** Serves the server's end of a new memory pair; returns the client's end. */
    accept(table: string): Transport {
      const pair = createMemoryTransportPair()
      const admitted = limits.admit('memory')
      if (!('receive' in admitted)) throw admitted
      const opening = rooms.acquire(table, { canCreate: true }).then((room) => ({
        room,
        canWrite: true,
      }))
      serveConnection(pair.b, opening, { metrics, maxConnectionsPerTable: 10, limits: admitted })
      return pair.a
    },
  }
}

/** The client's sync session over `transport`, with what connect-table.ts gives it. */
const startClient = (transport: Transport) => {
  const doc = new Y.Doc()
  const origin = { sync: true }
  const notices: Notice[] = []
  const closes: TransportClose[] = []
  let isSynced = false
  let unsaved = 0
  transport.on('close', (close) => closes.push(close))
  const send = (message: Uint8Array): boolean => transport.send(message)
  const saved = createSavedTracker(send, (count) => (unsaved = count))
  doc.on('update', (_update: Uint8Array, from: unknown, _doc: Y.Doc, tr: Y.Transaction) => {
    if (tr.local && from !== origin) saved.countChange()
  })
  startSyncSession(transport, {
    doc,
    awareness: new Awareness(doc),
    origin,
    saved,
    reverter: createReverter(doc, origin, send, () => undefined),
    onSynced: () => (isSynced = true),
    onNotice: (notice) => notices.push(notice),
    onError: (error) => {
      throw error
    },
  })
  return {
    doc,
    notices,
    closes,
    isSynced: () => isSynced,
    unsaved: () => unsaved,
  }
}

describe('sync sessions over in-memory transports', () => {
  it('S64: two clients sync through a room, get their permissions and saved acknowledgements, with no socket', async () => {
    const server = startMemoryServer()
    const a = startClient(server.accept('todos'))
    const b = startClient(server.accept('todos'))
    await waitFor(() => a.isSynced() && b.isSynced(), { what: 'both to sync' })
    const permissions = a.notices.find((notice) => notice.type === 'permissions')
    expect(permissions).toEqual({
      type: 'permissions',
      permissions: {
        canRead: true,
        canInsertRows: true,
        canUpdateRows: true,
        canDeleteRows: true,
        canAdminister: true,
      } satisfies TablePermissions,
    })
    const tableA = createTable({ doc: a.doc, columns: [{ name: 'title', type: 'string' }] })
    const id = tableA.insertRow({ title: 'over memory' })
    await waitFor(() => createTable({ doc: b.doc }).getRow(id)?.title === 'over memory', {
      what: 'b to get the row',
    })
    await waitFor(() => a.unsaved() === 0, { what: 'the saved acknowledgement' })
    const room = server.rooms.get('todos')!
    expect(createTable({ doc: room.doc }).getRow(id)?.title).toBe('over memory')
  })

  it('S63: a malformed message closes only its own transport, with 4400', async () => {
    const server = startMemoryServer()
    const hostile = server.accept('t')
    const closes: TransportClose[] = []
    hostile.on('close', (close) => closes.push(close))
    const good = startClient(server.accept('t'))
    await waitFor(() => good.isSynced())
    hostile.send(new Uint8Array([0, 9, 1, 1]))
    await waitFor(() => closes.length > 0, { what: 'the hostile close' })
    expect(closes[0]).toMatchObject({ code: 4400 })
    expect(closes[0]!.reason).toMatch(/unknown sync message type 9/)
    good.doc.getMap('m').set('still', 'syncing')
    await waitFor(() => good.unsaved() === 0, { what: 'the good client to be acknowledged' })
    expect(good.closes).toEqual([])
  })
})
