// The REST API against a real server; edits made through REST reach WebSocket clients and back.
import { describe, expect, it } from 'vitest'
import { createTable } from '../../src/index.js'
import { startServer, type TestServer } from '../helpers/start-server.js'
import { connectStockProvider } from '../helpers/sync-client.js'
import { waitFor } from '../helpers/wait-for.js'

const call = async (
  server: TestServer,
  method: string,
  path: string,
  body?: unknown,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON bodies are checked by the assertions
): Promise<{ status: number; body: any }> => {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body),
  })
  const text = await response.text()
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) }
}

const columns = [
  { name: 'title', type: 'string' },
  { name: 'priority', type: 'number', default: 0 },
]

describe('REST API', () => {
  it('creates and lists tables, reads the schema, and does row CRUD', async () => {
    const server = await startServer()
    const created = await call(server, 'POST', '/tables', { name: 'todos', columns })
    expect(created.status).toBe(201)
    expect(created.body.columns.map((column: { name: string }) => column.name)).toEqual([
      'title',
      'priority',
    ])
    expect((await call(server, 'GET', '/tables')).body).toEqual({ tables: ['todos'] })
    const inserted = await call(server, 'POST', '/tables/todos/rows', { title: 'a' })
    expect(inserted).toMatchObject({ status: 201, body: { title: 'a', priority: 0 } })
    const id: string = inserted.body.id
    const many = await call(server, 'POST', '/tables/todos/rows', [{ title: 'b' }, { title: 'c' }])
    expect(many.body.rows).toHaveLength(2)
    expect((await call(server, 'PATCH', `/tables/todos/rows/${id}`, { priority: 3 })).body).toEqual(
      { id, title: 'a', priority: 3 },
    )
    expect((await call(server, 'PUT', '/tables/todos/rows/mine', { title: 'm' })).body).toEqual({
      id: 'mine',
      title: 'm',
      priority: 0,
    })
    expect((await call(server, 'GET', `/tables/todos/rows/${id}`)).body.priority).toBe(3)
    const page = await call(server, 'GET', '/tables/todos/rows?offset=1&limit=2')
    expect(page.body.total).toBe(4)
    expect(page.body.rows.map((row: { title: string }) => row.title)).toEqual(['b', 'c'])
    expect((await call(server, 'DELETE', `/tables/todos/rows/${id}`)).status).toBe(204)
    expect((await call(server, 'GET', '/tables/todos')).body).toMatchObject({
      name: 'todos',
      rowCount: 3,
    })
    const added = await call(server, 'POST', '/tables/todos/columns', {
      name: 'done',
      type: 'boolean',
    })
    expect(added).toMatchObject({ status: 201, body: { name: 'done', type: 'boolean' } })
  })

  it('answers errors as { error: { code, message } } with the right status', async () => {
    const server = await startServer({ maxMessageBytes: 2048 })
    await call(server, 'POST', '/tables', { name: 't', columns })
    const cases: [string, string, unknown, number, string][] = [
      ['GET', '/tables/missing', undefined, 404, 'TABLE_NOT_FOUND'],
      ['GET', '/tables/t/rows/nope', undefined, 404, 'ROW_NOT_FOUND'],
      ['DELETE', '/tables/t/rows/nope', undefined, 404, 'ROW_NOT_FOUND'],
      ['PATCH', '/tables/t/rows/nope', { title: 'x' }, 404, 'ROW_NOT_FOUND'],
      ['POST', '/tables/t/rows', { nope: 1 }, 404, 'COLUMN_NOT_FOUND'],
      ['POST', '/tables/t/rows', { priority: 'high' }, 422, 'SCHEMA_VIOLATION'],
      ['POST', '/tables/t/rows', '{"broken', 400, 'INVALID_ARGUMENT'],
      ['POST', '/tables/t/rows', { title: 'x'.repeat(4000) }, 413, 'MESSAGE_TOO_LARGE'],
      ['POST', '/tables', { name: 'a/b' }, 400, 'INVALID_ARGUMENT'],
      ['GET', '/tables/t/rows?limit=-1', undefined, 400, 'INVALID_ARGUMENT'],
    ]
    for (const [method, path, body, status, code] of cases) {
      const response = await call(server, method, path, body)
      expect({ method, path, status: response.status, code: response.body?.error?.code }).toEqual({
        method,
        path,
        status,
        code,
      })
      expect(response.body.error.message).toEqual(expect.any(String))
    }
  })

  it('REST writes reach WebSocket clients at once, and WebSocket writes reach REST', async () => {
    const server = await startServer()
    await call(server, 'POST', '/tables', { name: 'shared', columns })
    const client = connectStockProvider(server.wsUrl, 'shared')
    await waitFor(() => client.provider.synced, { what: 'sync' })
    const table = createTable({ doc: client.doc })
    const { body: row } = await call(server, 'POST', '/tables/shared/rows', { title: 'from rest' })
    await waitFor(() => table.getRow(row.id)?.title === 'from rest', { what: 'the REST row' })
    table.updateRow(row.id, { priority: 7 })
    const id = table.insertRow({ title: 'from ws' })
    await waitFor(
      async () => (await call(server, 'GET', `/tables/shared/rows/${id}`)).status === 200,
      { what: 'the WebSocket row over REST' },
    )
    expect((await call(server, 'GET', `/tables/shared/rows/${row.id}`)).body.priority).toBe(7)
  })

  it('FORBIDDEN and UNAUTHORIZED come from the access hooks', async () => {
    const server = await startServer({
      authenticate: (request) => request.headers.authorization ?? 'anonymous',
      authorize: (user, _table, access) => access === 'read' || user === 'Bearer admin',
    })
    const denied = await call(server, 'POST', '/tables', { name: 'x', columns })
    expect(denied).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } })
  })

  it('serves /healthz and Prometheus metrics', async () => {
    const server = await startServer()
    const client = connectStockProvider(server.wsUrl, 'm')
    await waitFor(() => client.provider.synced, { what: 'sync' })
    client.doc.getMap('x').set('k', 1)
    await waitFor(
      async () =>
        /tessera_updates_persisted_total 1/.test(
          await (await fetch(`${server.url}/metrics`)).text(),
        ),
      {
        what: 'the persisted counter',
      },
    )
    expect((await call(server, 'GET', '/healthz')).body).toEqual({ status: 'ok', tables: 1 })
    const metrics = await (await fetch(`${server.url}/metrics`)).text()
    expect(metrics).toMatch(/tessera_connections 1/)
    expect(metrics).toMatch(/tessera_tables_loaded 1/)
    expect(metrics).toMatch(/tessera_persist_seconds_count 1/)
  })
})
