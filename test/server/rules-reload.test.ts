// Changing the rules file of a running server (S76): the new rules reach connections and live
// query streams that are already open, without a restart; a broken file keeps the old rules.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { connectTable, type TablePermissions } from '../../client/index.js'
import { createTable, type TesseraError } from '../../src/index.js'
import { CloseCode } from '../../src/internal.js'
import { createTokenVerifier } from '../../server/access/tokens.js'
import { call, storedState, testSecret } from '../helpers/auth.js'
import { startServer } from '../helpers/start-server.js'
import { connectClient } from '../helpers/sync-client.js'
import { tempDir } from '../helpers/temp-dir.js'
import { waitFor } from '../helpers/wait-for.js'

const verifier = createTokenVerifier({ secret: testSecret })
const tokenFor = (id: string, roles: string[]) =>
  verifier.sign({ id, roles }, { expiresInSeconds: 600 })

const writable = { todos: { read: ['reader'], write: ['editor'], admin: ['admin'] } }
const readOnly = { todos: { read: ['reader', 'editor'], admin: ['admin'] } }
const noEditors = { todos: { read: ['reader'], admin: ['admin'] } }

const setUp = async () => {
  const rulesPath = join(tempDir(), 'rules.json')
  writeFileSync(rulesPath, JSON.stringify(writable))
  const errors: TesseraError[] = []
  const logged: string[] = []
  const server = await startServer({
    auth: { secret: testSecret },
    rulesPath,
    onError: (error) => errors.push(error),
    logger: {
      info: () => undefined,
      warn: () => undefined,
      error: (message) => logged.push(message),
    },
  })
  const admin = await tokenFor('ada', ['admin'])
  const created = await call(server, 'POST', '/tables', {
    token: admin,
    body: { name: 'todos', columns: [{ name: 'title', type: 'string' }] },
  })
  expect(created.status).toBe(201)
  const editor = await tokenFor('ed', ['editor'])
  return { server, rulesPath, errors, logged, editor }
}

describe('S76: the rules file is watched', () => {
  it('S76: a writer downgraded to reader gets new permissions at once and its writes are refused from then on', async () => {
    const { server, rulesPath, editor } = await setUp()
    const conn = connectTable({
      url: server.wsUrl,
      table: 'todos',
      token: editor,
      WebSocket,
      maxBackoffMs: 200,
    })
    const seen: TablePermissions[] = []
    conn.on('permissions', (permissions) => seen.push(permissions))
    await conn.whenSynced()
    expect(conn.permissions?.canInsertRows).toBe(true)
    const raw = connectClient(server.wsUrl, 'todos', { query: `token=${editor}` })
    await raw.whenSynced()

    writeFileSync(rulesPath, JSON.stringify(readOnly))
    await waitFor(() => conn.permissions?.canInsertRows === false, {
      what: 'the downgraded permissions',
    })
    expect(conn.permissions).toEqual({
      canRead: true,
      canInsertRows: false,
      canUpdateRows: false,
      canDeleteRows: false,
      canAdminister: false,
    })
    expect(() => conn.table.insertRow({ title: 'late' })).toThrow(/FORBIDDEN|you may not/)
    // A client that ignores the message (the raw one) has its writes dropped by the server.
    createTable({ doc: raw.doc }).insertRow({ title: 'forced' }, { id: 'r1' })
    await raw.save()
    await waitFor(() => raw.notices.some((notice) => notice.code === 'FORBIDDEN'), {
      what: 'the notice',
    })
    expect((await storedState(server, 'todos')) as { rows: unknown[] }).toMatchObject({ rows: [] })
    expect(raw.closed).toBeUndefined()
    expect(conn.status).not.toBe('offline')
    await conn.close()
  })

  it('S76: a reader upgraded to writer may write without reconnecting', async () => {
    const { server, rulesPath } = await setUp()
    writeFileSync(rulesPath, JSON.stringify(readOnly))
    const reader = await tokenFor('rita', ['editor'])
    const conn = connectTable({
      url: server.wsUrl,
      table: 'todos',
      token: reader,
      WebSocket,
      maxBackoffMs: 200,
    })
    await waitFor(() => conn.permissions?.canRead === true && !conn.permissions.canInsertRows, {
      what: 'read-only permissions',
    })
    writeFileSync(rulesPath, JSON.stringify(writable))
    await waitFor(() => conn.permissions?.canInsertRows === true, { what: 'the upgrade' })
    conn.table.insertRow({ title: 'now allowed' }, { id: 'r2' })
    await waitFor(
      async () => ((await storedState(server, 'todos')) as { rows: unknown[] }).rows.length === 1,
      {
        what: 'the row in SQLite',
      },
    )
    await conn.close()
  })

  it('S76: withdrawing read closes open connections with 4403 and ends live query streams', async () => {
    const { server, rulesPath, editor } = await setUp()
    const client = connectClient(server.wsUrl, 'todos', { query: `token=${editor}` })
    await client.whenSynced()
    const response = await fetch(`${server.url}/tables/todos/live`, {
      headers: { authorization: `Bearer ${editor}` },
    })
    expect(response.status).toBe(200)
    const text = response.text()
    writeFileSync(rulesPath, JSON.stringify(noEditors))
    expect((await client.whenClosed()).code).toBe(CloseCode.Forbidden)
    expect(await text).toMatch(/event: error\ndata: \{"code":"FORBIDDEN"/)
    expect((await call(server, 'GET', '/tables/todos', { token: editor })).status).toBe(403)
  })

  it('S76: an invalid rules file keeps the old rules and is reported; the next valid one applies', async () => {
    const { server, rulesPath, errors, logged, editor } = await setUp()
    writeFileSync(rulesPath, '{ "todos": { "raed": ["editor"] } }')
    await waitFor(() => errors.length > 0, { what: 'the reported error' })
    expect(errors[0]).toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/rules.*raed.*the previous rules stay/s),
    })
    expect(logged.some((line) => line.includes(rulesPath))).toBe(true)
    const written = await call(server, 'PUT', '/tables/todos/rows/r1', {
      token: editor,
      body: { title: 'a' },
    })
    expect(written.status).toBe(200)
    writeFileSync(rulesPath, JSON.stringify(readOnly))
    await waitFor(
      async () =>
        (
          await call(server, 'PUT', '/tables/todos/rows/r1', {
            token: editor,
            body: { title: 'b' },
          })
        ).status === 403,
      { what: 'the valid rules to apply' },
    )
  })

  it('S76: rules and rulesPath together are refused at start', async () => {
    await expect(
      startServer({ rules: {}, rulesPath: join(tempDir(), 'rules.json') }),
    ).rejects.toThrow(/rules and rulesPath/)
  })
})
