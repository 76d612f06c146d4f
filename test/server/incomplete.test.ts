// Updates that depend on changes the server never received (docs/protocol.md §3): never
// acknowledged as saved until Yjs integrates them, stored meanwhile, and bounded per table.
import WebSocket from 'ws'
import * as Y from 'yjs'
import { describe, expect, it, onTestFinished } from 'vitest'
import { applySnapshot, createTable } from '../../src/index.js'
import { CloseCode, decodeMessage, encodeMessage } from '../../src/internal.js'
import { matrixTokens, storedState, testSecret } from '../helpers/auth.js'
import { startServer } from '../helpers/start-server.js'
import { connectClient } from '../helpers/sync-client.js'
import { waitFor } from '../helpers/wait-for.js'

/** A client that sends what it is told and never answers the server's sync step 1. */
interface MuteClient {
  /** Sync step 1 messages received (the greeting, then each re-sync request). */
  readonly syncRequests: number
  readonly saved: number[]
  readonly notSaved: { requestId: number; code: string; message: string }[]
  readonly closeCode: number | undefined
  /** Sends `update` as a sync update (2), or as sync step 2 (1): the answer to a step 1. */
  sendUpdate(update: Uint8Array, step?: 1 | 2): void
  requestSaved(requestId: number): void
}

async function connectMute(url: string): Promise<MuteClient> {
  const socket = new WebSocket(url)
  socket.binaryType = 'nodebuffer'
  onTestFinished(() => {
    socket.terminate()
  })
  const client = {
    syncRequests: 0,
    saved: [] as number[],
    notSaved: [] as { requestId: number; code: string; message: string }[],
    closeCode: undefined as number | undefined,
    sendUpdate(update: Uint8Array, step: 1 | 2 = 2) {
      socket.send(encodeMessage({ type: step === 1 ? 'sync-step-2' : 'sync-update', update }))
    },
    requestSaved(requestId: number) {
      socket.send(encodeMessage({ type: 'saved', requestId }))
    },
  }
  socket.on('error', () => undefined)
  socket.on('close', (code) => {
    client.closeCode = code
  })
  socket.on('message', (data: Buffer) => {
    const message = decodeMessage(new Uint8Array(data))
    if (message.type === 'sync-step-1') client.syncRequests++
    if (message.type === 'saved') client.saved.push(message.requestId)
    if (message.type === 'not-saved') client.notSaved.push(message)
  })
  await waitFor(() => client.syncRequests > 0, { what: 'the greeting' })
  return client
}

/** A's first change, and B's change made on top of it: B's own update depends on A's. */
function dependentUpdates(value: unknown = 'from b'): {
  docA: Y.Doc
  docB: Y.Doc
  updateB: Uint8Array
} {
  const docA = new Y.Doc()
  docA.getMap('m').set('x', 'from a')
  const docB = new Y.Doc()
  Y.applyUpdate(docB, Y.encodeStateAsUpdate(docA))
  let updateB: Uint8Array | undefined
  docB.once('update', (update: Uint8Array) => {
    updateB = update
  })
  docB.getMap('m').set('x', value)
  return { docA, docB, updateB: updateB! }
}

/** True when `copy` holds every struct of `doc`. */
const holdsAll = (copy: Y.Doc, doc: Y.Doc): boolean =>
  [...Y.decodeStateVector(Y.encodeStateVector(doc))].every(
    ([client, clock]) => Y.getState(copy.store, client) >= clock,
  )

/** A reader's copy of the server's table once synced. */
async function serverCopy(wsUrl: string, table: string, token?: string): Promise<Y.Doc> {
  const reader = connectClient(wsUrl, table, { query: token === undefined ? '' : `token=${token}` })
  await reader.whenSynced()
  return reader.doc
}

describe('updates with missing dependencies', () => {
  it('are not acknowledged until the dependency arrives; then both are', async () => {
    const server = await startServer()
    const { docA, docB, updateB } = dependentUpdates()
    const b = await connectMute(`${server.wsUrl}/gap`)
    b.sendUpdate(updateB)
    b.requestSaved(1)
    await waitFor(() => b.notSaved.length === 1, { what: 'the not-saved signal' })
    expect(b.notSaved[0]).toMatchObject({ requestId: 1, code: 'INCOMPLETE_UPDATE' })
    expect(b.notSaved[0]!.message).toMatch(/sync step 1/)
    // The greeting, then the request for what is missing.
    expect(b.syncRequests).toBe(2)
    // Another connection's acknowledgement comes after the commit B's request would have
    // waited for: B still has none.
    const other = connectClient(server.wsUrl, 'gap')
    await other.whenSynced()
    other.doc.getMap('other').set('k', 1)
    await other.save()
    expect(b.saved).toEqual([])
    expect(other.doc.getMap('m').get('x')).toBeUndefined()

    const a = connectClient(server.wsUrl, 'gap', { doc: docA })
    await a.whenSynced()
    await a.save()
    await waitFor(() => b.saved.includes(1), { what: "B's saved acknowledgement" })
    const copy = await serverCopy(server.wsUrl, 'gap')
    expect(copy.getMap('m').get('x')).toBe('from b')
    expect(holdsAll(copy, docB)).toBe(true)
    expect(copy.getMap('m').toJSON()).toEqual(docB.getMap('m').toJSON())
    expect(copy.store.pendingStructs).toBeNull()
  })

  it('a partly applicable update: its free part is broadcast at once, saved waits for the rest', async () => {
    const first = await startServer()
    const { docA } = dependentUpdates()
    const docB = new Y.Doc()
    Y.applyUpdate(docB, Y.encodeStateAsUpdate(docA))
    let update: Uint8Array | undefined
    docB.once('update', (bytes: Uint8Array) => {
      update = bytes
    })
    docB.transact(() => {
      docB.getArray('list').insert(0, ['free'])
      docB.getMap('m').set('x', 'from b')
      docB.getArray('list').insert(1, ['after the gap'])
    })
    const other = connectClient(first.wsUrl, 'partly')
    await other.whenSynced()
    const b = await connectMute(`${first.wsUrl}/partly`)
    b.sendUpdate(update!)
    b.requestSaved(1)
    await waitFor(() => other.doc.getArray('list').length === 1, { what: 'the free part' })
    await waitFor(() => b.notSaved.length === 1, { what: 'the not-saved signal' })
    await other.save()
    expect(b.saved).toEqual([])
    await first.close()
    // Both parts were stored: a restarted server completes them with A's change.
    const second = await startServer({ dbPath: first.dbPath })
    const a = connectClient(second.wsUrl, 'partly', { doc: docA })
    await a.whenSynced()
    await a.save()
    const copy = await serverCopy(second.wsUrl, 'partly')
    expect(copy.getMap('m').toJSON()).toEqual({ x: 'from b' })
    expect(copy.getArray('list').toJSON()).toEqual(['free', 'after the gap'])
    expect(holdsAll(copy, docB)).toBe(true)
  })

  it('a deletion of an item the server lacks waits for it too', async () => {
    const server = await startServer()
    const { docA } = dependentUpdates()
    const docB = new Y.Doc()
    Y.applyUpdate(docB, Y.encodeStateAsUpdate(docA))
    let deletion: Uint8Array | undefined
    docB.once('update', (update: Uint8Array) => {
      deletion = update
    })
    docB.getMap('m').delete('x')
    const b = await connectMute(`${server.wsUrl}/deletion`)
    b.sendUpdate(deletion!)
    b.requestSaved(1)
    await waitFor(() => b.notSaved.length === 1, { what: 'the not-saved signal' })
    expect(b.notSaved[0]!.code).toBe('INCOMPLETE_UPDATE')
    const a = connectClient(server.wsUrl, 'deletion', { doc: docA })
    await a.whenSynced()
    await a.save()
    await waitFor(() => b.saved.includes(1), { what: "B's saved acknowledgement" })
    const copy = await serverCopy(server.wsUrl, 'deletion')
    expect(copy.getMap('m').has('x')).toBe(false)
    expect(copy.store.pendingDs).toBeNull()
  })

  it('asks the writer for what is missing: a client holding it answers and is acknowledged', async () => {
    const server = await startServer()
    const { docA } = dependentUpdates()
    const b = connectClient(server.wsUrl, 'resync')
    await b.whenSynced()
    // B got A's change elsewhere (another tab); the socket origin keeps it from being sent.
    Y.applyUpdate(b.doc, Y.encodeStateAsUpdate(docA), b.socket)
    b.doc.getMap('m').set('x', 'from b')
    const copy = connectClient(server.wsUrl, 'resync')
    await copy.whenSynced()
    await waitFor(() => copy.doc.getMap('m').get('x') === 'from b', { what: 'the re-sync' })
    await b.save()
    expect(b.notices).toEqual([])
  })

  it('are stored: after a restart the dependency still completes them', async () => {
    const first = await startServer()
    const { docA, docB, updateB } = dependentUpdates()
    const b = await connectMute(`${first.wsUrl}/restart`)
    b.sendUpdate(updateB)
    b.requestSaved(1)
    await waitFor(() => b.notSaved.length === 1, { what: 'the not-saved signal' })
    // A later acknowledgement on the table means B's update was committed before it.
    const other = connectClient(first.wsUrl, 'restart')
    await other.whenSynced()
    await other.save()
    await first.close()

    const second = await startServer({ dbPath: first.dbPath })
    const a = connectClient(second.wsUrl, 'restart', { doc: docA })
    await a.whenSynced()
    await a.save()
    const copy = await serverCopy(second.wsUrl, 'restart')
    expect(copy.getMap('m').toJSON()).toEqual(docB.getMap('m').toJSON())
    expect(copy.store.pendingStructs).toBeNull()
  })

  it('survive compaction while pending', async () => {
    const server = await startServer({ compactAfterUpdates: 1 })
    const { docA, docB, updateB } = dependentUpdates()
    const b = await connectMute(`${server.wsUrl}/compact`)
    b.sendUpdate(updateB)
    b.requestSaved(1)
    await waitFor(() => b.notSaved.length === 1, { what: 'the not-saved signal' })
    const other = connectClient(server.wsUrl, 'compact')
    await other.whenSynced()
    other.doc.getMap('other').set('k', 1)
    await other.save()
    const stored = await server.store.load('compact')
    expect(stored.snapshot).toBeDefined()
    expect(stored.updates).toEqual([])
    // The snapshot alone still holds B's change, waiting for A's.
    const reloaded = new Y.Doc()
    applySnapshot(reloaded, stored.snapshot!)
    expect(reloaded.store.pendingStructs).not.toBeNull()
    Y.applyUpdate(reloaded, Y.encodeStateAsUpdate(docA))
    expect(reloaded.getMap('m').toJSON()).toEqual(docB.getMap('m').toJSON())

    const a = connectClient(server.wsUrl, 'compact', { doc: docA })
    await a.whenSynced()
    await a.save()
    await waitFor(() => b.saved.includes(1), { what: "B's saved acknowledgement" })
    const copy = await serverCopy(server.wsUrl, 'compact')
    expect(copy.getMap('m').toJSON()).toEqual(docB.getMap('m').toJSON())
  })

  it('a peer sending only updates with missing dependencies is closed; others go on', async () => {
    const server = await startServer()
    const good = connectClient(server.wsUrl, 'hostile')
    await good.whenSynced()
    const hostile = await connectMute(`${server.wsUrl}/hostile`)
    const big = 'x'.repeat(1024 * 1024)
    // 4 MiB of pending content is the most a table holds; the fifth update goes over it.
    for (let index = 0; index < 6; index++) hostile.sendUpdate(dependentUpdates(big).updateB)
    await waitFor(() => hostile.closeCode !== undefined, { what: 'the hostile peer to be closed' })
    expect(hostile.closeCode).toBe(CloseCode.ProtocolError)
    good.doc.getMap('m').set('good', 1)
    await good.save()
    expect(good.closed).toBeUndefined()
    const copy = await serverCopy(server.wsUrl, 'hostile')
    expect(copy.getMap('m').get('good')).toBe(1)
    // The table dropped what waited; the writers' clients resend it when they reconnect.
    expect(copy.store.pendingStructs).toBeNull()
  })
})

describe('updates with missing dependencies from a writer with partial rights', () => {
  it('S34: the waiting part is dropped and asked for again, so it is checked under the writer rights', async () => {
    const server = await startServer({
      auth: { secret: testSecret },
      rules: {
        todos: { read: ['writer'], write: ['writer'], delete: ['admin'], admin: ['admin'] },
      },
    })
    const tokens = await matrixTokens()
    const admin = connectClient(server.wsUrl, 'todos', { query: `token=${tokens.admin!}` })
    await admin.whenSynced()
    createTable({ doc: admin.doc, columns: [{ name: 'title', type: 'string' }] }).insertRow(
      { title: 'base' },
      { id: 'r0' },
    )
    await admin.save()
    // The admin's next change (a1) reaches the writer by another path before the server.
    const detached = new Y.Doc()
    Y.applyUpdate(detached, Y.encodeStateAsUpdate(admin.doc))
    const a1 = captureUpdate(detached, () => {
      createTable({ doc: detached }).insertRow({ title: 'from admin' }, { id: 'r1' })
    })
    const writerDoc = new Y.Doc()
    Y.applyUpdate(writerDoc, Y.encodeStateAsUpdate(detached))
    // The writer may not delete rows; this delete depends on a1, which the server lacks.
    const forbidden = captureUpdate(writerDoc, () => {
      createTable({ doc: writerDoc }).deleteRow('r1')
    })
    const writer = await connectMute(`${server.wsUrl}/todos?token=${tokens.writer!}`)
    const requests = writer.syncRequests
    writer.sendUpdate(forbidden)
    writer.requestSaved(1)
    await waitFor(() => writer.notSaved.length > 0, { what: 'the notSaved answer' })
    expect(writer.notSaved[0]).toMatchObject({ requestId: 1, code: 'INCOMPLETE_UPDATE' })
    await waitFor(() => writer.syncRequests > requests, { what: 'the re-sync request' })
    // a1 arrives through the admin's connection: the writer's delete must not ride along.
    Y.applyUpdate(admin.doc, a1)
    await admin.save()
    const rowsOf = async () =>
      createTable({ doc: await serverCopy(server.wsUrl, 'todos', tokens.admin) }).listRows()
    const both = [
      { id: 'r0', title: 'base' },
      { id: 'r1', title: 'from admin' },
    ]
    expect(await rowsOf()).toEqual(both)
    expect(await storedState(server, 'todos')).toMatchObject({ rows: both })
    expect(writer.saved).toEqual([])
    // The writer answers the re-sync request with everything it has: checked under its own
    // rights, the delete is refused, and its saved request is answered.
    writer.sendUpdate(Y.encodeStateAsUpdate(writerDoc), 1)
    await waitFor(() => writer.saved.length > 0, { what: 'saved(1)' })
    expect(writer.saved).toEqual([1])
    expect(await rowsOf()).toEqual(both)
  })
})

function captureUpdate(doc: Y.Doc, change: () => void): Uint8Array {
  let captured: Uint8Array | undefined
  const keep = (update: Uint8Array) => {
    captured = update
  }
  doc.on('update', keep)
  change()
  doc.off('update', keep)
  return captured!
}
