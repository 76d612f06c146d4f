// Access control on a running server: token expiry on open connections, presence stamped with the
// token's user, validation reported to its writer, the audit history, and the dev login.
import { describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import * as Y from 'yjs'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as encoding from 'lib0/encoding'
import { WebsocketProvider } from 'y-websocket'
import { createTable } from '../../src/index.js'
import { CloseCode, MessageType } from '../../src/internal.js'
import { createTokenVerifier } from '../../server/access/tokens.js'
import { call, storedState, testSecret } from '../helpers/auth.js'
import { startServer, type TestServer } from '../helpers/start-server.js'
import { connectClient } from '../helpers/sync-client.js'
import { waitFor } from '../helpers/wait-for.js'
import { writeRawOverride } from '../helpers/raw-cells.js'

const verifier = createTokenVerifier({ secret: testSecret })
const tokenFor = (id: string, roles: string[], expiresInSeconds = 600) =>
  verifier.sign({ id, name: id.toUpperCase(), roles }, { expiresInSeconds })

const columns = [
  { name: 'title', type: 'string' },
  { name: 'priority', type: 'number', default: 0 },
]

const startAuthServer = (options: Parameters<typeof startServer>[0] = {}) =>
  startServer({
    auth: { secret: testSecret },
    rules: { '*': { read: ['authenticated'], write: ['editor'], admin: ['admin'] } },
    ...options,
  })

/** A stock y-websocket provider that sends its token as y-websocket's `params` do. */
const connectProvider = (server: TestServer, table: string, token: string) => {
  const provider = new WebsocketProvider(server.wsUrl, table, new Y.Doc(), {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    params: { token },
    disableBc: true,
  })
  return provider
}

const createTodos = async (server: TestServer) => {
  const admin = await tokenFor('ada', ['admin'])
  const created = await call(server, 'POST', '/tables', {
    token: admin,
    body: { name: 'todos', columns },
  })
  expect(created.status).toBe(201)
  return admin
}

describe('token expiry', () => {
  it('S51: an open connection is closed with 4401 when its token expires, and a new token reconnects', async () => {
    const server = await startAuthServer()
    await createTodos(server)
    const shortLived = await tokenFor('ann', ['editor'], 2)
    const client = connectClient(server.wsUrl, 'todos', { query: `token=${shortLived}` })
    await client.whenSynced()
    const closed = await client.whenClosed()
    expect(closed).toEqual({
      code: CloseCode.Unauthorized,
      reason: 'the token expired; reconnect with a new token',
    })
    const fresh = connectClient(server.wsUrl, 'todos', {
      query: `token=${await tokenFor('ann', ['editor'])}`,
    })
    await fresh.whenSynced()
    expect(fresh.closed).toBeUndefined()
  })
})

describe('token expiry of streams', () => {
  it('S51: a live query stream (SSE) ends with an UNAUTHORIZED event when its token expires', async () => {
    const server = await startAuthServer()
    await createTodos(server)
    const shortLived = await tokenFor('ann', ['editor'], 2)
    const response = await fetch(`${server.url}/tables/todos/live`, {
      headers: { authorization: `Bearer ${shortLived}` },
    })
    expect(response.status).toBe(200)
    // The stream ends by itself: reading to its end is the wait.
    const text = await response.text()
    expect(text).toMatch(/^event: snapshot/)
    expect(text).toMatch(/event: error\ndata: \{"code":"UNAUTHORIZED","message":"the token expired/)
  })
})

describe('presence', () => {
  it('S52: presence carries the user id and name of the token, whatever the client claims', async () => {
    const server = await startAuthServer()
    await createTodos(server)
    const mallory = connectProvider(server, 'todos', await tokenFor('mallory', ['editor']))
    const watcher = connectProvider(server, 'todos', await tokenFor('wendy', []))
    mallory.awareness.setLocalStateField('user', { id: 'ada', name: 'Ada', color: '#f00' })
    await waitFor(() => watcher.awareness.getStates().has(mallory.awareness.clientID), {
      what: "mallory's presence at the watcher",
    })
    expect(watcher.awareness.getStates().get(mallory.awareness.clientID)).toEqual({
      user: { id: 'mallory', name: 'MALLORY', color: '#f00' },
    })
    mallory.destroy()
    watcher.destroy()
  })

  it('S53: a connection cannot overwrite or remove the presence of another connection', async () => {
    const server = await startAuthServer()
    await createTodos(server)
    const ann = connectProvider(server, 'todos', await tokenFor('ann', ['editor']))
    const watcher = connectProvider(server, 'todos', await tokenFor('wendy', []))
    ann.awareness.setLocalStateField('user', { name: 'Ann', cell: 'A1' })
    await waitFor(() => watcher.awareness.getStates().has(ann.awareness.clientID), {
      what: "ann's presence",
    })
    // Mallory sends an awareness update for Ann's client id with a higher clock, then one that
    // removes it (a null state).
    const mallory = connectClient(server.wsUrl, 'todos', {
      query: `token=${await tokenFor('mallory', ['editor'])}`,
    })
    await mallory.whenSynced()
    const forged = new awarenessProtocol.Awareness(new Y.Doc())
    forged.clientID = ann.awareness.clientID
    const send = (state: unknown) => {
      const encoder = encoding.createEncoder()
      encoding.writeVarUint(encoder, MessageType.Awareness)
      const body = encoding.createEncoder()
      encoding.writeVarUint(body, 1)
      encoding.writeVarUint(body, ann.awareness.clientID)
      encoding.writeVarUint(body, 1000)
      encoding.writeVarString(body, JSON.stringify(state))
      encoding.writeVarUint8Array(encoder, encoding.toUint8Array(body))
      mallory.sendRaw(encoding.toUint8Array(encoder))
    }
    send({ user: { name: 'Ann', cell: 'Z9' } })
    send(null)
    forged.destroy()
    // A barrier: Ann's own next change reaches the watcher after anything Mallory sent.
    ann.awareness.setLocalStateField('cursor', 'B2')
    await waitFor(
      () =>
        (watcher.awareness.getStates().get(ann.awareness.clientID) as { cursor?: string })
          ?.cursor === 'B2',
      { what: "ann's later presence" },
    )
    expect(watcher.awareness.getStates().get(ann.awareness.clientID)).toEqual({
      user: { id: 'ann', name: 'ANN', cell: 'A1' },
      cursor: 'B2',
    })
    expect(mallory.closed).toBeUndefined()
    // S118: Mallory's two claims count as FORBIDDEN; the watcher's relays of Ann's state do not.
    expect(await server.registry.metrics()).toMatch(/tessera_errors_total\{code="FORBIDDEN"\} 2\n/)
    ann.destroy()
    watcher.destroy()
  })
})

describe('server-side validation with auth', () => {
  it('S30: a schema-violating update from an editor is corrected in SQLite and on every replica, and its writer is told', async () => {
    const server = await startAuthServer()
    await createTodos(server)
    const editor = connectClient(server.wsUrl, 'todos', {
      query: `token=${await tokenFor('ed', ['editor'])}`,
    })
    const other = connectClient(server.wsUrl, 'todos', {
      query: `token=${await tokenFor('rita', [])}`,
    })
    await Promise.all([editor.whenSynced(), other.whenSynced()])
    const table = createTable({ doc: editor.doc })
    table.insertRow({ title: 'a' }, { id: 'r1' })
    await editor.save()
    writeRawOverride(editor.doc, 'r1', table.getColumn('priority')!.id, 'high')
    await editor.save()
    await waitFor(() => editor.notices.length > 0, { what: 'the notice' })
    expect(editor.notices[0]).toMatchObject({ code: 'SCHEMA_VIOLATION' })
    expect(editor.notices[0]!.message).toMatch(/expects a number/)
    const otherTable = createTable({ doc: other.doc })
    await waitFor(() => otherTable.getCell('r1', 'priority') === null, {
      what: 'the corrected cell elsewhere',
    })
    await waitFor(() => typeof table.getCell('r1', 'priority') !== 'string', {
      what: 'the correction at the writer',
    })
    const stored = (await storedState(server, 'todos')) as { rows: unknown[] }
    expect(stored.rows).toEqual(otherTable.listRows())
    expect(stored.rows).toEqual(table.listRows())
    expect(otherTable.getCell('r1', 'priority')).toBeNull()
  })
})

describe('audit log', () => {
  it('S54: a row history names who changed which cells, over WebSocket and REST, and survives a restart', async () => {
    const server = await startAuthServer()
    await createTodos(server)
    const ann = connectClient(server.wsUrl, 'todos', {
      query: `token=${await tokenFor('ann', ['editor'])}`,
    })
    await ann.whenSynced()
    const annTable = createTable({ doc: ann.doc })
    annTable.insertRow({ title: 'write the docs' }, { id: 'r1' })
    await ann.save()
    annTable.setCell('r1', 'priority', 2)
    await ann.save()
    const bob = await tokenFor('bob', ['editor'])
    const patched = await call(server, 'PATCH', '/tables/todos/rows/r1', {
      token: bob,
      body: { title: 'write the security docs' },
    })
    expect(patched.status).toBe(200)
    const reader = await tokenFor('rita', [])
    const history = await call(server, 'GET', '/tables/todos/rows/r1/audit', { token: reader })
    expect(history.status).toBe(200)
    const entries = (history.body.entries as Record<string, unknown>[]).map(
      ({ action, columns: changed, userId }) => ({ action, columns: changed, userId }),
    )
    expect(entries).toEqual([
      { action: 'insert', columns: [], userId: 'ann' },
      { action: 'update', columns: ['priority'], userId: 'ann' },
      { action: 'update', columns: ['title'], userId: 'bob' },
    ])
    expect(Date.parse(history.body.entries[0].at as string)).toBeGreaterThan(Date.now() - 60_000)
    expect((await call(server, 'GET', '/tables/todos/rows/r1/audit')).status).toBe(401)
    await server.close()
    const restarted = await startAuthServer({ dbPath: server.dbPath })
    const again = await call(restarted, 'GET', '/tables/todos/rows/r1/audit', { token: reader })
    expect(again.body.entries).toHaveLength(3)
  })

  it('S54: entries older than auditRetentionMs are pruned', async () => {
    const server = await startAuthServer()
    const admin = await createTodos(server)
    await call(server, 'POST', '/tables/todos/rows', { token: admin, body: { id: 'r1' } })
    const path = '/tables/todos/rows/r1/audit'
    expect((await call(server, 'GET', path, { token: admin })).body.entries).toHaveLength(1)
    await server.close()
    // Pruning runs at start (and hourly): a 1 ms retention leaves nothing from before.
    const restarted = await startAuthServer({ dbPath: server.dbPath, auditRetentionMs: 1 })
    expect((await call(restarted, 'GET', path, { token: admin })).body.entries).toEqual([])
  })
})

describe('dev login', () => {
  it('S56: with devLogin, POST /auth/dev-login signs a token for a chosen name and roles', async () => {
    const server = await startAuthServer({ devLogin: true })
    const login = await call(server, 'POST', '/auth/dev-login', {
      body: { name: 'Ann Lee', roles: ['editor'] },
    })
    expect(login.status).toBe(201)
    expect(login.body.user).toEqual({ id: 'ann-lee', name: 'Ann Lee', roles: ['editor'] })
    const me = await call(server, 'GET', '/auth/me', { token: login.body.token as string })
    expect(me.body).toEqual({ id: 'ann-lee', name: 'Ann Lee', roles: ['editor'] })
    const bad = await call(server, 'POST', '/auth/dev-login', { body: { name: '' } })
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'INVALID_ARGUMENT' } } })
  })

  it('S56: without devLogin there is no login endpoint', async () => {
    const server = await startAuthServer()
    const login = await call(server, 'POST', '/auth/dev-login', { body: { name: 'ann' } })
    expect(login.status).toBe(404)
    expect((await call(server, 'GET', '/auth/me')).status).toBe(401)
  })
})
