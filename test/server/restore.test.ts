// Restore on a real server: a new forward update that brings a table, some rows or one cell back to
// a past time; connected clients converge live; it is attributed, and undone by restoring again.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import WebSocket from 'ws'
import { WebsocketProvider } from 'y-websocket'
import { createTable } from '../../src/index.js'
import { createTokenVerifier } from '../../server/access/tokens.js'
import { call, testSecret } from '../helpers/auth.js'
import { connectSdk, iso, markTime } from '../helpers/history.js'
import { startServer, type TestServer } from '../helpers/start-server.js'
import { waitFor } from '../helpers/wait-for.js'

const columns = [
  { name: 'title', type: 'string' as const },
  { name: 'points', type: 'number' as const, default: 0 },
]

const verifier = createTokenVerifier({ secret: testSecret })
const tokenFor = (id: string, roles: string[]) =>
  verifier.sign({ id, roles }, { expiresInSeconds: 600 })

/** A stock y-websocket provider on the table (what any Yjs app uses). */
const stockClient = (server: TestServer, table: string, token?: string) => {
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(server.wsUrl, table, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    ...(token === undefined ? {} : { params: { token } }),
  })
  return { doc, provider, rows: () => createTable({ doc }).listRows() }
}

/** Two rows at the marked time, then a deletion, an edit, a new row and a new column. */
const editAfterMark = async (server: TestServer, token?: string) => {
  const conn = connectSdk(server, { table: 'sheet', columns, ...(token ? { token } : {}) })
  await conn.whenSynced()
  conn.table.insertRow({ title: 'one', points: 1 }, { id: 'r1' })
  conn.table.insertRow({ title: 'two', points: 2 }, { id: 'r2' })
  conn.table.moveRow('r2', { before: 'r1' })
  await conn.whenSaved()
  const mark = await markTime(server, 'sheet')
  conn.table.deleteRow('r1')
  conn.table.setCell('r2', 'points', 20)
  conn.table.insertRow({ title: 'three' }, { id: 'r3' })
  conn.table.addColumn({ name: 'extra', type: 'string' })
  conn.table.setCell('r2', 'extra', 'kept')
  await conn.whenSaved()
  return { conn, mark }
}

describe('restore', () => {
  it('S106: restoring the whole table writes one forward update that connected clients converge to', async () => {
    const server = await startServer()
    const { conn, mark } = await editAfterMark(server)
    const stock = stockClient(server, 'sheet')
    await waitFor(() => stock.rows().length === 2, { what: 'the stock client to sync' })
    const before = (await server.store.load('sheet')).seq

    const restored = await call(server, 'POST', '/tables/sheet/restore', {
      body: { at: iso(mark) },
    })
    expect(restored.status).toBe(200)
    expect(restored.body).toEqual({
      at: iso(mark),
      rowsRestored: 1,
      rowsRemoved: 1,
      rowsChanged: 1,
      columnsChanged: 1,
    })
    const expected = [
      { id: 'r2', title: 'two', points: 2 },
      { id: 'r1', title: 'one', points: 1 },
    ]
    await waitFor(() => JSON.stringify(conn.table.listRows()) === JSON.stringify(expected), {
      what: 'the SDK client to converge',
    })
    await waitFor(() => JSON.stringify(stock.rows()) === JSON.stringify(expected), {
      what: 'the stock client to converge',
    })
    expect(conn.table.columns().map((column) => column.name)).toEqual(['title', 'points'])
    const log = await server.store.readLog('sheet', before, 10)
    expect(log).toHaveLength(1)
    stock.provider.destroy()
  })

  it('S107: a restore is attributed to its user, shows as a restore, and is undone by restoring again', async () => {
    const server = await startServer({ auth: { secret: testSecret } })
    const admin = await tokenFor('ada', ['admin'])
    const rita = await tokenFor('rita', ['admin'])
    await call(server, 'POST', '/tables', { token: admin, body: { name: 'sheet', columns } })
    const { conn, mark } = await editAfterMark(server, admin)
    const edited = await markTime(server, 'sheet')
    const afterEdits = conn.table.toJSON()
    const restored = await call(server, 'POST', '/tables/sheet/restore', {
      token: rita,
      body: { at: iso(mark) },
    })
    expect(restored.status).toBe(200)
    const [entry] = await server.store.readLog(
      'sheet',
      (await server.store.load('sheet')).seq - 1,
      1,
    )
    expect(entry!.author).toBe('rita')
    const history = await call(server, 'GET', '/tables/sheet/rows/r1/history', { token: admin })
    expect(history.body.entries.at(-1)).toMatchObject({
      action: 'insert',
      userId: 'rita',
      isRestore: true,
      cells: { title: 'one', points: 1 },
    })
    // The audit log (S54) records the restore's row changes under its user too.
    const audit = await call(server, 'GET', '/tables/sheet/rows/r1/audit', { token: admin })
    expect(audit.body.entries.at(-1)).toMatchObject({ action: 'insert', userId: 'rita' })
    expect(audit.body.entries.at(-2)).toMatchObject({ action: 'delete', userId: 'ada' })
    await waitFor(() => conn.table.hasRow('r1') && !conn.table.hasRow('r3'))

    const undone = await call(server, 'POST', '/tables/sheet/restore', {
      token: admin,
      body: { at: iso(edited) },
    })
    expect(undone.status).toBe(200)
    await waitFor(() => conn.table.hasRow('r3') && !conn.table.hasRow('r1'))
    expect(conn.table.toJSON()).toEqual(afterEdits)
  })

  it('S106: a rows scope brings back deleted rows by id and removes created ones; a cell scope one cell', async () => {
    const server = await startServer()
    const { conn, mark } = await editAfterMark(server)
    const rows = await call(server, 'POST', '/tables/sheet/restore', {
      body: { at: iso(mark), rows: ['r1', 'r3'] },
    })
    expect(rows.body).toMatchObject({ rowsRestored: 1, rowsRemoved: 1, rowsChanged: 0 })
    await waitFor(() => conn.table.hasRow('r1') && !conn.table.hasRow('r3'))
    expect(conn.table.getRow('r1')).toEqual({ id: 'r1', title: 'one', points: 1, extra: null })
    expect(conn.table.getRow('r2')).toMatchObject({ points: 20, extra: 'kept' })
    const cell = await call(server, 'POST', '/tables/sheet/restore', {
      body: { at: iso(mark), cell: { row: 'r2', column: 'points' } },
    })
    expect(cell.body).toMatchObject({ rowsChanged: 1 })
    await waitFor(() => conn.table.getCell('r2', 'points') === 2)
    expect(conn.table.getRow('r2')).toMatchObject({ title: 'two', extra: 'kept' })
    expect(conn.table.rowIds()).toEqual(['r2', 'r1'])
  })

  it('S106: restore needs admin for the whole table and the row rights it uses for rows; bad bodies are 400', async () => {
    const server = await startServer({
      auth: { secret: testSecret },
      rules: { '*': { read: ['authenticated'], update: ['editor'], admin: ['admin'] } },
    })
    const admin = await tokenFor('ada', ['admin'])
    const editor = await tokenFor('ed', ['editor'])
    await call(server, 'POST', '/tables', { token: admin, body: { name: 'sheet', columns } })
    const { mark } = await editAfterMark(server, admin)
    const whole = await call(server, 'POST', '/tables/sheet/restore', {
      token: editor,
      body: { at: iso(mark) },
    })
    expect(whole.status).toBe(403)
    const insertNeeded = await call(server, 'POST', '/tables/sheet/restore', {
      token: editor,
      body: { at: iso(mark), rows: ['r1'] },
    })
    expect(insertNeeded.status).toBe(403)
    expect(insertNeeded.body.error.message).toMatch(/insert rows/)
    const cell = await call(server, 'POST', '/tables/sheet/restore', {
      token: editor,
      body: { at: iso(mark), cell: { row: 'r2', column: 'points' } },
    })
    expect(cell.status).toBe(200)
    for (const body of [
      { at: 'now' },
      { at: iso(mark), rows: [] },
      { at: iso(mark), rows: ['r1'], cell: { row: 'r1', column: 'title' } },
      { at: iso(mark), scope: 'table' },
      { at: iso(mark), cell: { row: 'r2' } },
    ]) {
      const refused = await call(server, 'POST', '/tables/sheet/restore', { token: admin, body })
      expect(refused.status).toBe(400)
    }
    const noRow = await call(server, 'POST', '/tables/sheet/restore', {
      token: admin,
      body: { at: iso(mark), cell: { row: 'r3', column: 'title' } },
    })
    expect(noRow.body.error.code).toBe('ROW_NOT_FOUND')
  })
})
