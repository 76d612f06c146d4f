// Rules on a real server: table names are data, never keys of an object's prototype (S73), and
// every row right implies read (S74), over WebSocket and REST alike.
import { describe, expect, it } from 'vitest'
import { createTable } from '../../src/index.js'
import { createTokenVerifier } from '../../server/access/tokens.js'
import { call, testSecret } from '../helpers/auth.js'
import { startServer, type TestServer } from '../helpers/start-server.js'
import { connectClient } from '../helpers/sync-client.js'
import { waitFor } from '../helpers/wait-for.js'

const verifier = createTokenVerifier({ secret: testSecret })
const tokenFor = (id: string, roles: string[]) =>
  verifier.sign({ id, roles }, { expiresInSeconds: 600 })

/** Connects over WebSocket; resolves 'synced' or the close code, whichever comes first. */
const connectOutcome = async (server: TestServer, table: string, token: string) => {
  const client = connectClient(server.wsUrl, table, { query: `token=${token}` })
  let isSynced = false
  void client.whenSynced().then(
    () => (isSynced = true),
    () => undefined,
  )
  await waitFor(() => isSynced || client.closed !== undefined, { what: `${table} to open` })
  return { client, outcome: isSynced ? 'synced' : client.closed!.code }
}

describe('S73: table names are data', () => {
  const names = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf']

  it.each(names)('S73: an admin creates, writes and syncs a table named %s', async (name) => {
    const server = await startServer({
      auth: { secret: testSecret },
      rules: { '*': { read: ['authenticated'], write: ['editor'], admin: ['admin'] } },
    })
    const admin = await tokenFor('ada', ['admin'])
    const path = `/tables/${encodeURIComponent(name)}`
    const created = await call(server, 'POST', '/tables', {
      token: admin,
      body: { name, columns: [{ name: 'title', type: 'string' }] },
    })
    expect(created.status).toBe(201)
    const row = await call(server, 'POST', `${path}/rows`, { token: admin, body: { title: 'a' } })
    expect(row.status).toBe(201)
    expect((await call(server, 'GET', `${path}/rows`, { token: admin })).body.total).toBe(1)
    const { client, outcome } = await connectOutcome(server, name, admin)
    expect(outcome).toBe('synced')
    expect(createTable({ doc: client.doc }).listRows()).toMatchObject([{ title: 'a' }])
  })

  it('S73: a rule under an inherited name applies to that table only, from a JSON config', async () => {
    const rules = JSON.parse(
      '{"__proto__": {"read": ["public"], "admin": ["admin"]}, "*": {"read": ["admin"], "admin": ["admin"]}}',
    ) as Record<string, never>
    const server = await startServer({ auth: { secret: testSecret }, rules })
    const admin = await tokenFor('ada', ['admin'])
    for (const name of ['__proto__', 'todos']) {
      const created = await call(server, 'POST', '/tables', { token: admin, body: { name } })
      expect(created.status).toBe(201)
    }
    expect((await call(server, 'GET', '/tables/__proto__/rows')).status).toBe(200)
    expect((await call(server, 'GET', '/tables/todos/rows')).status).toBe(401)
    expect((await call(server, 'GET', '/tables/read/rows')).status).toBe(401)
  })
})

describe('S74: every row right implies read', () => {
  const rules = {
    todos: {
      read: ['reader'],
      insert: ['inserter'],
      update: ['updater'],
      delete: ['deleter'],
      admin: ['admin'],
    },
  }

  it.each([
    ['inserter', { insert: 201, update: 403, delete: 403 }],
    ['updater', { insert: 403, update: 200, delete: 403 }],
    ['deleter', { insert: 403, update: 403, delete: 204 }],
  ] as const)(
    'S74: a role listed only under one row right (%s) reads, and writes only that',
    async (role, expected) => {
      const server = await startServer({ auth: { secret: testSecret }, rules })
      const admin = await tokenFor('ada', ['admin'])
      await call(server, 'POST', '/tables', {
        token: admin,
        body: { name: 'todos', columns: [{ name: 'title', type: 'string' }] },
      })
      await call(server, 'PUT', '/tables/todos/rows/r1', { token: admin, body: { title: 'a' } })
      const token = await tokenFor(role, [role])
      const read = await call(server, 'GET', '/tables/todos/rows', { token })
      expect(read.status).toBe(200)
      expect(read.body.total).toBe(1)
      const { outcome } = await connectOutcome(server, 'todos', token)
      expect(outcome).toBe('synced')
      const statuses = {
        insert: (await call(server, 'POST', '/tables/todos/rows', { token, body: { title: 'b' } }))
          .status,
        update: (
          await call(server, 'PATCH', '/tables/todos/rows/r1', { token, body: { title: 'c' } })
        ).status,
        delete: (await call(server, 'DELETE', '/tables/todos/rows/r1', { token })).status,
      }
      expect(statuses).toEqual(expected)
    },
  )
})
