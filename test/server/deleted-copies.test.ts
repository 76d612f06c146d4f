// S235: a deleted table stays deleted when a client that still holds a copy of it comes back (a
// stock y-websocket provider reconnects at once after the 4404), on a real server on loopback;
// a table created again on purpose starts empty and never takes the old rows in.
import { describe, expect, it, onTestFinished } from 'vitest'
import { WebSocket } from 'ws'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import { createTable } from '../../src/index.js'
import { call } from '../helpers/auth.js'
import { copyThenDelete } from '../helpers/deleted-table.js'
import { startServer, type TestServer } from '../helpers/start-server.js'
import { connectClient } from '../helpers/sync-client.js'
import { waitFor } from '../helpers/wait-for.js'

const columns = [{ name: 'title', type: 'string' }]

/**
 * A stock y-websocket provider on `doc`, with every close it saw (code and reason). With
 * `isPersistent` it reconnects after every close, as y-websocket before 3.1 did (and an app that
 * calls `connect()` again does); 3.1 stops at a 44xx close by default.
 */
const connectProvider = (server: TestServer, table: string, doc: Y.Doc, isPersistent = false) => {
  const provider = new WebsocketProvider(server.wsUrl, table, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    ...(isPersistent ? { shouldReconnect: () => true } : {}),
  })
  const closes: { code: number; reason: string }[] = []
  provider.on('connection-close', (event) => {
    if (event !== null) closes.push({ code: event.code, reason: event.reason })
  })
  onTestFinished(() => {
    provider.destroy()
  })
  return { provider, closes }
}

const titles = async (server: TestServer, table: string): Promise<unknown> => {
  const answer = await call(server, 'GET', `/tables/${table}/rows`)
  return answer.status === 200
    ? answer.body.rows.map((row: { title: string }) => row.title)
    : answer.status
}

describe('a deleted table and the copies clients still hold', () => {
  it('S235: a stock provider that reconnects with its copy after the 4404 does not bring the table back', async () => {
    const server = await startServer()
    expect((await call(server, 'POST', '/tables', { body: { name: 't', columns } })).status).toBe(
      201,
    )
    await call(server, 'POST', '/tables/t/rows', { body: { title: 'secret' } })
    const doc = new Y.Doc()
    const { provider, closes } = connectProvider(server, 't', doc, true)
    await waitFor(() => provider.synced && createTable({ doc }).listRows().length === 1, {
      what: 'the provider holding the row',
    })

    expect((await call(server, 'DELETE', '/tables/t')).status).toBe(204)
    // The stock provider reconnects on every close and sends its whole copy: refused each time.
    await waitFor(() => closes.length >= 3, { what: 'the provider refused after reconnecting' })
    expect(closes.every((close) => close.code === 4404)).toBe(true)
    expect(closes[1]!.reason).toContain('holds its old content')
    provider.destroy()
    expect(await titles(server, 't')).toBe(404)
    expect(await server.store.list()).not.toContain('t')
    expect(await server.store.load('t')).toMatchObject({ updates: [], seq: 0, generation: 1 })
  })

  it('S235: a table created again on purpose starts empty and a copy of the old one is refused', async () => {
    const server = await startServer()
    const copy = await copyThenDelete(server, 't', 'old')

    // A new, empty copy creates the table: a clean creation works as before (S117).
    expect((await call(server, 'POST', '/tables', { body: { name: 't', columns } })).status).toBe(
      201,
    )
    await call(server, 'POST', '/tables/t/rows', { body: { title: 'new' } })
    const fresh = connectClient(server.wsUrl, 't')
    await fresh.whenSynced()
    fresh.doc.getMap('m').set('new', 'new')
    await fresh.save()

    const stale = new Y.Doc()
    Y.applyUpdate(stale, copy)
    const { closes } = connectProvider(server, 't', stale)
    await waitFor(() => closes.length >= 1, { what: 'the old copy refused' })
    expect(closes[0]).toMatchObject({ code: 4404 })
    expect(closes[0]!.reason).toContain('was deleted')
    // The connection that created the table again is not affected, and the old content is not in.
    fresh.doc.getMap('m').set('later', 'later')
    await fresh.save()
    const reader = connectClient(server.wsUrl, 't')
    await reader.whenSynced()
    expect(reader.doc.getMap('m').toJSON()).toEqual({ new: 'new', later: 'later' })
    expect(await titles(server, 't')).toEqual(['new'])
  })

  it('S235: a table deleted twice keeps refusing copies of both earlier lives', async () => {
    const server = await startServer()
    const copies: Uint8Array[] = []
    for (const life of ['first', 'second']) {
      const client = connectClient(server.wsUrl, 't')
      await client.whenSynced()
      client.doc.getMap('m').set(life, life)
      await client.save()
      copies.push(Y.encodeStateAsUpdate(client.doc))
      expect((await call(server, 'DELETE', '/tables/t')).status).toBe(204)
      expect((await client.whenClosed()).code).toBe(4404)
    }
    for (const copy of copies) {
      const doc = new Y.Doc()
      Y.applyUpdate(doc, copy)
      const { closes } = connectProvider(server, 't', doc)
      await waitFor(() => closes.length >= 1, { what: 'the copy refused' })
      expect(closes[0]).toMatchObject({ code: 4404 })
    }
    expect(await server.store.list()).not.toContain('t')
  })
})
