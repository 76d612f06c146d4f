// Read-only connections end to end: the client learns its permissions (S57), refuses what they
// forbid before touching the doc (S58), and reverts what the server refused anyway (S59).
import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import { createTable, isTesseraError, type Table } from '../../src/index.js'
import { createTokenVerifier } from '../../server/access/tokens.js'
import { call, storedState, testSecret } from '../helpers/auth.js'
import { startServer, type TestServer } from '../helpers/start-server.js'
import { connect, uniqueTable, waitFor } from './helpers.js'

const verifier = createTokenVerifier({ secret: testSecret })
const tokenFor = (id: string, roles: string[]) =>
  verifier.sign({ id, name: id, roles }, { expiresInSeconds: 600 })

const columns = [
  { name: 'title', type: 'string' },
  { name: 'n', type: 'number', default: 0 },
] as const

interface Tokens {
  reader: string
  editor: string
  admin: string
}

/** A server where readers read, editors insert and update, and only admins delete. */
async function setUp(): Promise<{
  server: TestServer
  table: string
  tokens: Tokens
}> {
  const server = await startServer({
    auth: { secret: testSecret },
    rules: {
      '*': { read: ['reader'], write: ['editor'], delete: ['admin'], admin: ['admin'] },
    },
  })
  const tokens = {
    reader: await tokenFor('rita', ['reader']),
    editor: await tokenFor('ed', ['editor']),
    admin: await tokenFor('ada', ['admin']),
  }
  const table = uniqueTable('perm')
  const created = await call(server, 'POST', '/tables', {
    token: tokens.admin,
    body: { name: table, columns },
  })
  expect(created.status).toBe(201)
  return { server, table, tokens }
}

const failure = (run: () => unknown): string => {
  try {
    run()
  } catch (error) {
    return isTesseraError(error) ? `${error.code}: ${error.message}` : String(error)
  }
  return 'no error'
}

const sameRows = (a: Table, b: Table): boolean =>
  JSON.stringify(a.listRows()) === JSON.stringify(b.listRows())

describe('permissions of a connection', () => {
  it('S57: each connection learns its permissions on connect, with an event', async () => {
    const { server, table, tokens } = await setUp()
    const reader = connect({ url: server.wsUrl, table, token: tokens.reader })
    const seen: unknown[] = []
    reader.on('permissions', (permissions) => seen.push(permissions))
    const editor = connect({ url: server.wsUrl, table, token: tokens.editor })
    const admin = connect({ url: server.wsUrl, table, token: tokens.admin })
    expect(reader.permissions).toBeUndefined()
    await Promise.all([reader.whenSynced(), editor.whenSynced(), admin.whenSynced()])
    const readOnly = {
      canRead: true,
      canInsertRows: false,
      canUpdateRows: false,
      canDeleteRows: false,
      canAdminister: false,
    }
    expect(reader.permissions).toEqual(readOnly)
    expect(seen).toEqual([readOnly])
    expect(editor.permissions).toEqual({
      ...readOnly,
      canInsertRows: true,
      canUpdateRows: true,
    })
    expect(admin.permissions).toEqual({
      canRead: true,
      canInsertRows: true,
      canUpdateRows: true,
      canDeleteRows: true,
      canAdminister: true,
    })
  })

  it('S57: a stock y-websocket provider with a read-only token still syncs', async () => {
    const { server, table, tokens } = await setUp()
    const editor = connect({ url: server.wsUrl, table, token: tokens.editor })
    await editor.whenSynced()
    const id = editor.table.insertRow({ title: 'from the editor' })
    await editor.whenSaved()
    const doc = new Y.Doc()
    const provider = new WebsocketProvider(server.wsUrl, table, doc, {
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      params: { token: tokens.reader },
      disableBc: true,
    })
    try {
      const replica = createTable({ doc })
      await waitFor(() => replica.getRow(id)?.title === 'from the editor', {
        what: 'the stock provider to sync',
      })
      editor.table.setCell(id, 'title', 'edited live')
      await waitFor(() => replica.getRow(id)?.title === 'edited live', {
        what: 'a live update to reach the stock provider',
      })
      expect(provider.wsconnected).toBe(true)
    } finally {
      provider.destroy()
    }
  })
})

describe('local refusal', () => {
  it('S58: a reader edit throws FORBIDDEN naming the missing right, and the doc is unchanged', async () => {
    const { server, table, tokens } = await setUp()
    const editor = connect({ url: server.wsUrl, table, token: tokens.editor })
    const reader = connect({ url: server.wsUrl, table, token: tokens.reader })
    const errors: string[] = []
    reader.on('error', (error) => errors.push(error.message))
    await Promise.all([editor.whenSynced(), reader.whenSynced()])
    const id = editor.table.insertRow({ title: 'shared' })
    await waitFor(() => reader.table.hasRow(id), { what: 'the row to reach the reader' })
    const before = Y.encodeStateVector(reader.table.doc)
    const unsaved = reader.unsaved

    expect(failure(() => reader.table.setCell(id, 'title', 'mine'))).toBe(
      `FORBIDDEN: setCell: you may not change rows of table "${table}" (your token lacks the "update" right); the table is unchanged: ask its admin for the right, or reconnect with a token that has it`,
    )
    expect(failure(() => reader.table.insertRow({ title: 'x' }))).toMatch(
      /^FORBIDDEN: insertRow: .*lacks the "insert" right/,
    )
    expect(failure(() => reader.table.updateRow(id, { n: 2 }))).toMatch(/"update" right/)
    expect(failure(() => reader.table.deleteRow(id))).toMatch(/"delete" right/)
    expect(failure(() => reader.table.addColumn({ name: 'c', type: 'string' }))).toMatch(
      /^FORBIDDEN: addColumn: .*"admin" right/,
    )
    expect(failure(() => reader.table.transact(() => reader.table.setCell(id, 'n', 1)))).toMatch(
      /^FORBIDDEN: setCell/,
    )
    expect(Y.encodeStateVector(reader.table.doc)).toEqual(before)
    expect(reader.unsaved).toBe(unsaved)
    expect(reader.table.getRow(id)).toEqual({ id, title: 'shared', n: 0 })

    // The writer is unaffected: its edits reach the reader.
    editor.table.setCell(id, 'title', 'edited')
    await waitFor(() => reader.table.getCell(id, 'title') === 'edited', {
      what: "the editor's edit to reach the reader",
    })
    // The metadata every fresh replica writes is refused too, but it changes nothing visible.
    expect(errors).toEqual([])
  })

  it('S58: a writer without the delete right may update but not delete', async () => {
    const { server, table, tokens } = await setUp()
    const editor = connect({ url: server.wsUrl, table, token: tokens.editor })
    await editor.whenSynced()
    const id = editor.table.insertRow({ title: 'keep me' })
    editor.table.setCell(id, 'n', 3)
    expect(failure(() => editor.table.deleteRow(id))).toMatch(
      /^FORBIDDEN: deleteRow: you may not delete rows from table .*"delete" right/,
    )
    expect(failure(() => editor.table.deleteRows([id]))).toMatch(/^FORBIDDEN: deleteRows/)
    await editor.whenSaved()
    expect(await storedState(server, table)).toMatchObject({
      rows: [{ id, title: 'keep me', n: 3 }],
    })
  })
})

describe('refused by the server', () => {
  it('S59: a reader write that bypasses the check is reverted to the server state, and later edits still show', async () => {
    const { server, table, tokens } = await setUp()
    const editor = connect({ url: server.wsUrl, table, token: tokens.editor })
    const reader = connect({ url: server.wsUrl, table, token: tokens.reader })
    await Promise.all([editor.whenSynced(), reader.whenSynced()])
    const ids = editor.table.insertRows(
      Array.from({ length: 6 }, (_, index) => ({ title: `row ${index}` })),
    )
    await waitFor(() => sameRows(reader.table, editor.table), { what: 'the rows to sync' })
    const errors: string[] = []
    reader.on('error', (error) => errors.push(`${error.code}: ${error.message}`))

    // A client that bypasses its guard: the write reaches the doc and the server drops it. A
    // higher client id than the editor's puts its refused items after the editor's later ones.
    const ownId = reader.table.doc.clientID
    reader.table.doc.clientID = editor.table.doc.clientID + 1
    reader.table.setWriteGuard(undefined)
    for (const id of ids) reader.table.setCell(id, 'title', 'rogue')
    reader.table.insertRow({ title: 'rogue row' })
    reader.table.deleteRow(ids[0]!)
    reader.table.doc.clientID = ownId
    await waitFor(() => sameRows(reader.table, editor.table), {
      what: "the reader's copy to go back to the server's",
    })
    await waitFor(() => errors.length > 0, { what: 'the revert to be reported' })
    // 5 cells (the deleted row took its own), the inserted row, its shape, the deleted row.
    expect(errors[0]).toMatch(
      /^FORBIDDEN: table ".*" is read-only for you: 8 local changes the server refused went back to the server's state; ask for write access/,
    )

    // Each refused key stays in the reader's doc; a later write of the same cell must win.
    for (const id of ids) editor.table.setCell(id, 'title', 'after')
    await waitFor(() => ids.every((id) => reader.table.getCell(id, 'title') === 'after'), {
      what: "the editor's later writes to show on the reader",
    })
    await editor.whenSaved()
    expect(await storedState(server, table)).toMatchObject({ rows: editor.table.listRows() })
  })

  it('S59: edits made offline by a user whose rights were then reduced converge, in IndexedDB too', async () => {
    const { server, table, tokens } = await setUp()
    const editor = connect({ url: server.wsUrl, table, token: tokens.editor })
    await editor.whenSynced()
    const id = editor.table.insertRow({ title: 'server value' })
    await editor.whenSaved()

    const store = { name: `${table}-offline` }
    const first = connect({ url: server.wsUrl, table, token: tokens.editor, offline: store })
    await first.whenSynced()
    first.disconnect()
    first.table.setCell(id, 'title', 'offline edit')
    first.table.insertRow({ title: 'offline row' })
    await first.whenStored()
    await first.close()

    // The same store reconnects with a token that may only read.
    const reduced = connect({ url: server.wsUrl, table, token: tokens.reader, offline: store })
    await reduced.whenLoaded()
    expect(reduced.table.getCell(id, 'title')).toBe('offline edit')
    await waitFor(() => sameRows(reduced.table, editor.table), {
      what: 'the refused offline edits to be reverted',
    })
    expect(reduced.table.getCell(id, 'title')).toBe('server value')
    await reduced.whenStored()
    await reduced.close()

    const reloaded = connect({ url: server.wsUrl, table, offline: store, connect: false })
    await reloaded.whenLoaded()
    expect(reloaded.table.listRows()).toEqual(editor.table.listRows())
  })
})
