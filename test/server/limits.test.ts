// Bad input closes only the connection that sent it, with the close code of docs/errors.md.
import * as Y from 'yjs'
import { describe, expect, it } from 'vitest'
import { TesseraError } from '../../src/index.js'
import { CloseCode } from '../../src/internal.js'
import { startServer } from '../helpers/start-server.js'
import { connectClient } from '../helpers/sync-client.js'
import { waitFor } from '../helpers/wait-for.js'

describe('limits and bad input', () => {
  it('a malformed update closes only its own connection (4400)', async () => {
    const server = await startServer()
    const good = connectClient(server.wsUrl, 't')
    const bad = connectClient(server.wsUrl, 't')
    await Promise.all([good.whenSynced(), bad.whenSynced()])
    bad.sendRaw(new Uint8Array([0, 2, 4, 200, 1, 250, 7]))
    const closed = await bad.whenClosed()
    expect(closed.code).toBe(CloseCode.ProtocolError)
    expect(closed.reason).toMatch(/malformed Yjs update/)
    good.doc.getMap('m').set('still', 'works')
    await good.save()
    expect(good.closed).toBeUndefined()
    const other = connectClient(server.wsUrl, 't')
    await waitFor(() => other.doc.getMap('m').get('still') === 'works', { what: 'sync' })
  })

  it('a truncated message and an unknown message type close with 4400', async () => {
    const server = await startServer()
    const truncated = connectClient(server.wsUrl, 't')
    await truncated.whenSynced()
    truncated.sendRaw(new Uint8Array([0, 2, 100, 1]))
    expect((await truncated.whenClosed()).code).toBe(CloseCode.ProtocolError)
    const unknown = connectClient(server.wsUrl, 't')
    await unknown.whenSynced()
    unknown.sendRaw(new Uint8Array([77]))
    const closed = await unknown.whenClosed()
    expect(closed).toMatchObject({ code: CloseCode.ProtocolError })
    expect(closed.reason).toMatch(/unknown message type 77/)
  })

  it('a reader cannot create a table: 4404', async () => {
    const server = await startServer({ authorize: (_user, _table, access) => access === 'read' })
    const reader = connectClient(server.wsUrl, 'new')
    expect((await reader.whenClosed()).code).toBe(CloseCode.TableNotFound)
  })

  it('closes connections over maxConnectionsPerTable with 4429', async () => {
    const server = await startServer({ maxConnectionsPerTable: 1 })
    const first = connectClient(server.wsUrl, 'full')
    await first.whenSynced()
    const second = connectClient(server.wsUrl, 'full')
    const closed = await second.whenClosed()
    expect(closed.code).toBe(CloseCode.TooManyRequests)
    expect(closed.reason).toMatch(/too many connections/)
    expect(first.closed).toBeUndefined()
  })

  it('a text frame closes with 1003', async () => {
    const server = await startServer()
    const client = connectClient(server.wsUrl, 't')
    await client.whenSynced()
    client.sendRaw('hello')
    expect((await client.whenClosed()).code).toBe(CloseCode.UnsupportedData)
  })

  it('a message over maxMessageBytes closes with 1009', async () => {
    const server = await startServer({ maxMessageBytes: 4096 })
    const client = connectClient(server.wsUrl, 't')
    await client.whenSynced()
    client.sendRaw(new Uint8Array(5000))
    expect((await client.whenClosed()).code).toBe(CloseCode.MessageTooLarge)
    const metrics = await server.registry.metrics()
    expect(metrics).toMatch(/tessera_errors_total\{code="MESSAGE_TOO_LARGE"\} 1/)
  })

  it('an invalid table name closes with 4400, an unknown table with 4404 when creation is off', async () => {
    const server = await startServer({ canCreateTables: false })
    const invalid = connectClient(server.wsUrl, 'a'.repeat(200))
    expect((await invalid.whenClosed()).code).toBe(CloseCode.ProtocolError)
    const unknown = connectClient(server.wsUrl, 'missing')
    const closed = await unknown.whenClosed()
    expect(closed.code).toBe(CloseCode.TableNotFound)
    expect(closed.reason).toMatch(/does not exist/)
  })

  it('closes with 4401 when authenticate refuses and 4403 when authorize does', async () => {
    const server = await startServer({
      authenticate: (request) => {
        const token = new URL(request.url ?? '/', 'http://x').searchParams.get('token')
        if (token === null) throw new TesseraError('UNAUTHORIZED', 'a token is required')
        return token
      },
      authorize: (user, table, access) =>
        table !== 'secret' && (access === 'read' || user === 'writer'),
    })
    const anonymous = connectClient(server.wsUrl, 't')
    expect((await anonymous.whenClosed()).code).toBe(CloseCode.Unauthorized)
    const forbidden = connectClient(server.wsUrl, 'secret', { query: 'token=writer' })
    expect((await forbidden.whenClosed()).code).toBe(CloseCode.Forbidden)
  })

  it('refuses writes of a read-only connection with a FORBIDDEN notice and keeps it open', async () => {
    const server = await startServer({
      authorize: (_user, _table, access) => access === 'read',
    })
    const seed = new Y.Doc()
    seed.getMap('m').set('seed', 0)
    await server.store.append('ro', [
      { update: Y.encodeStateAsUpdate(seed), atMs: Date.now(), author: null },
    ])
    const reader = connectClient(server.wsUrl, 'ro')
    await reader.whenSynced()
    reader.doc.getMap('m').set('k', 1)
    await reader.save()
    expect((await server.store.load('ro')).updates).toHaveLength(1)
    expect(reader.closed).toBeUndefined()
    expect(await server.registry.metrics()).toMatch(/tessera_errors_total\{code="FORBIDDEN"\} 1/)
  })
})
