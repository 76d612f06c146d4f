// Table names (one rule for server, REST and client), JSON errors for every route, and deleting a
// table, against a real server on loopback with real clients.
import { describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { connectTable } from '../../client/index.js'
import type { TesseraError } from '../../src/index.js'
import { checkTableName, isTesseraError } from '../../src/index.js'
import { createTokenVerifier } from '../../server/access/tokens.js'
import { call, testSecret } from '../helpers/auth.js'
import { startServer } from '../helpers/start-server.js'
import { connectClient } from '../helpers/sync-client.js'
import { waitFor } from '../helpers/wait-for.js'
import { connect } from '../client/helpers.js'

const columns = [{ name: 'title', type: 'string' }]

const thrown = (run: () => unknown): TesseraError | undefined => {
  try {
    run()
  } catch (error) {
    if (isTesseraError(error)) return error
    throw error
  }
  return undefined
}

describe('table names', () => {
  it('S115: a name with spaces works over REST, over WebSocket and in the client alike', async () => {
    const server = await startServer()
    const name = 'Q3 budget: 50% (draft)?'
    const path = `/tables/${encodeURIComponent(name)}`
    expect((await call(server, 'POST', '/tables', { body: { name, columns } })).status).toBe(201)
    const conn = connect({ url: server.wsUrl, table: name })
    await conn.whenSynced()
    conn.table.insertRow({ title: 'from the client' })
    await conn.whenSaved()
    const rows = await call(server, 'GET', `${path}/rows`)
    expect(rows.body.rows.map((row: { title: string }) => row.title)).toEqual(['from the client'])
    expect((await call(server, 'GET', '/tables')).body.tables).toContain(name)
  })

  it('S115: the server and the client refuse the same names with the same message', async () => {
    const server = await startServer()
    for (const name of ['.', '..', 'a/b', 'tab\there', 'x'.repeat(129)]) {
      const local = thrown(() => checkTableName(name))
      expect(local?.code, name).toBe('INVALID_ARGUMENT')
      const client = thrown(() =>
        connectTable({ url: server.wsUrl, table: name, WebSocket, connect: false }),
      )
      expect(client?.message).toContain(local!.message.replace(/^table: /, ''))
      const rest = await call(server, 'POST', '/tables', { body: { name, columns } })
      expect(rest.status).toBe(400)
      expect(rest.body.error.message).toContain('is not a valid table name')
    }
    const socket = connectClient(server.wsUrl, 'tab\there')
    expect((await socket.whenClosed()).code).toBe(4400)
  })
})

describe('JSON errors', () => {
  it('S116: an unknown route answers ROUTE_NOT_FOUND as JSON, never an HTML page', async () => {
    const server = await startServer()
    for (const [method, path] of [
      ['GET', '/nope'],
      ['PATCH', '/tables'],
      ['GET', '/tables/a/b/c/d'],
    ] as const) {
      const response = await call(server, method, path)
      expect(response.status).toBe(404)
      expect(response.body.error.code).toBe('ROUTE_NOT_FOUND')
      expect(response.body.error.message).toContain(`${method} ${path}`)
    }
  })

  it('S116: a JSON string body is told to be an object; malformed JSON is told it is not JSON', async () => {
    const server = await startServer()
    const send = async (text: string) => {
      const response = await fetch(`${server.url}/tables`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: text,
      })
      return (await response.json()) as { error: { code: string; message: string } }
    }
    const string = await send('"todos"')
    expect(string.error.code).toBe('INVALID_ARGUMENT')
    expect(string.error.message).toContain('send a JSON object')
    expect(string.error.message).not.toContain('not valid JSON')
    expect((await send('{"name": ')).error.message).toContain('not valid JSON')
  })
})

describe('deleting a table', () => {
  it('S117: DELETE /tables/:table closes its connections with 4404 and deletes its data', async () => {
    const server = await startServer()
    await call(server, 'POST', '/tables', { body: { name: 'old', columns } })
    await call(server, 'POST', '/tables/old/rows', { body: { title: 'a' } })
    const socket = connectClient(server.wsUrl, 'old')
    await socket.whenSynced()
    const stream = await fetch(`${server.url}/tables/old/live`)
    const reader = stream.body!.getReader()
    expect((await call(server, 'DELETE', '/tables/old')).status).toBe(204)
    expect((await socket.whenClosed()).code).toBe(4404)
    let text = ''
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
      text += new TextDecoder().decode(chunk.value)
    expect(text).toContain('event: error')
    expect(text).toContain('TABLE_NOT_FOUND')
    expect(await server.store.load('old')).toMatchObject({ updates: [], seq: 0 })
    expect((await call(server, 'GET', '/tables')).body.tables).not.toContain('old')
    expect((await call(server, 'GET', '/tables/old')).status).toBe(404)
    const again = await call(server, 'DELETE', '/tables/old')
    expect([again.status, again.body.error.code]).toEqual([404, 'TABLE_NOT_FOUND'])
  })

  it('S117: only an admin may delete a table', async () => {
    const server = await startServer({
      auth: { secret: testSecret },
      rules: { '*': { read: ['authenticated'], write: ['editor'], admin: ['admin'] } },
    })
    const verifier = createTokenVerifier({ secret: testSecret })
    const admin = await verifier.sign({ id: 'ada', roles: ['admin'] }, { expiresInSeconds: 600 })
    const editor = await verifier.sign({ id: 'ed', roles: ['editor'] }, { expiresInSeconds: 600 })
    await call(server, 'POST', '/tables', { body: { name: 'kept', columns }, token: admin })
    expect((await call(server, 'DELETE', '/tables/kept')).status).toBe(401)
    const refused = await call(server, 'DELETE', '/tables/kept', { token: editor })
    expect([refused.status, refused.body.error.code]).toEqual([403, 'FORBIDDEN'])
    expect((await call(server, 'GET', '/tables', { token: admin })).body.tables).toEqual(['kept'])
    expect((await call(server, 'DELETE', '/tables/kept', { token: admin })).status).toBe(204)
  })

  it('S117: a client of a deleted table stops, and what it sends after does not bring it back', async () => {
    const server = await startServer()
    const conn = connect({ url: server.wsUrl, table: 'gone', columns: [] })
    await conn.whenSynced()
    conn.table.addColumn({ name: 'title', type: 'string' })
    await conn.whenSaved()
    const errors: string[] = []
    conn.on('error', (error) => errors.push(error.code))
    expect((await call(server, 'DELETE', '/tables/gone')).status).toBe(204)
    await waitFor(() => conn.status === 'offline' && errors.includes('TABLE_NOT_FOUND'), {
      what: 'the client told the table is gone',
    })
    conn.table.insertRow({ title: 'late' })
    expect(await server.store.list()).not.toContain('gone')
  })
})
