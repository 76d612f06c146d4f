// What the server refuses reaches the app as TesseraErrors on the connection's `error` event,
// and each close code does what docs/protocol.md §6 says (S60).
import { describe, expect, it, onTestFinished } from 'vitest'
import { connectTable } from '../../client/index.js'
import { isTesseraError, TesseraError, type ErrorCode } from '../../src/index.js'
import { connect, startServer, uniqueTable, waitFor } from './helpers.js'

const tokenServer = () =>
  startServer({
    authenticate: (request) => {
      const token = new URL(request.url ?? '/', 'http://x').searchParams.get('token')
      if (token === null) throw new TesseraError('UNAUTHORIZED', 'a token is required')
      return token
    },
    authorize: (user, _table, access) => access === 'read' || user === 'writer',
  })

describe('connection errors', () => {
  it('stops reconnecting and rejects whenSynced with UNAUTHORIZED when the server refuses the token', async () => {
    const server = await tokenServer()
    const conn = connect({ url: server.url, table: uniqueTable() })
    const codes: ErrorCode[] = []
    conn.on('error', (error) => codes.push(error.code))
    const failure = await conn.whenSynced().catch((error: unknown) => error)
    expect(isTesseraError(failure, 'UNAUTHORIZED')).toBe(true)
    expect(codes).toEqual(['UNAUTHORIZED'])
    expect(conn.status).toBe('offline')
  })

  it('sends the token and reports a refused write as a FORBIDDEN error notice', async () => {
    const server = await tokenServer()
    const table = uniqueTable()
    const writer = connect({
      url: server.url,
      table,
      token: 'writer',
      columns: [{ name: 'title', type: 'string' }],
    })
    await writer.whenSynced()
    await writer.whenSaved()
    const reader = connect({ url: server.url, table, token: 'reader' })
    await reader.whenSynced()
    await waitFor(() => reader.table.getColumn('title') !== undefined)
    const codes: ErrorCode[] = []
    reader.on('error', (error) => codes.push(error.code))
    // S58: the SDK refuses at once; a client that bypasses that gets the server's notice.
    expect(() => reader.table.insertRow({ title: 'not allowed' })).toThrow(/"insert" right/)
    reader.table.setWriteGuard(undefined)
    const id = reader.table.insertRow({ title: 'not allowed' })
    await waitFor(() => codes.includes('FORBIDDEN'), { what: 'a FORBIDDEN notice' })
    // The refused row never reaches the other clients, and the reader's copy drops it (S59).
    await waitFor(() => !reader.table.hasRow(id), { what: 'the refused row to be reverted' })
    expect(writer.table.hasRow(id)).toBe(false)
  })
})

describe('close codes at the client (S60)', () => {
  it('S60: a final close (4401) leaves the connection offline until connect(), which tries again', async () => {
    const server = await tokenServer()
    const conn = connect({ url: server.url, table: uniqueTable() })
    const errors: TesseraError[] = []
    conn.on('error', (error) => errors.push(error))
    await expect(conn.whenSynced()).rejects.toMatchObject({ code: 'UNAUTHORIZED' })
    expect(conn.isOnline).toBe(false)
    expect(errors[0]!.details).toEqual({ closeCode: 4401, isRetrying: false })
    expect(errors[0]!.message).toMatch(/not reconnecting: fix the cause, then connect\(\)/)
    conn.connect()
    expect(conn.isOnline).toBe(true)
    await waitFor(() => errors.length === 2, { what: 'the second refusal' })
    expect(errors.map((error) => error.code)).toEqual(['UNAUTHORIZED', 'UNAUTHORIZED'])
    expect(conn.isOnline).toBe(false)
  })

  it('S60: a retryable close (4429) is reported and retried until the connection syncs', async () => {
    const server = await startServer({ maxConnectionsPerTable: 1 })
    const table = uniqueTable()
    const first = connect({ url: server.url, table })
    await first.whenSynced()
    const second = connect({ url: server.url, table })
    const errors: TesseraError[] = []
    second.on('error', (error) => errors.push(error))
    await waitFor(() => errors.length > 0, { what: 'the 4429' })
    expect(errors[0]).toMatchObject({
      code: 'TOO_MANY_REQUESTS',
      details: { closeCode: 4429, isRetrying: true },
    })
    expect(second.isOnline).toBe(true)
    await first.close()
    await second.whenSynced()
  })

  it('a WebSocket that cannot be opened is an INVALID_ARGUMENT error, and the connection stays offline', async () => {
    // What a browser does for a ws:// URL from an https:// page: the constructor throws.
    const Refusing = function () {
      throw new Error('blocked by the page')
    } as unknown as new (url: string) => object
    const conn = connectTable({
      url: 'ws://127.0.0.1:9',
      table: uniqueTable(),
      WebSocket: Refusing,
    })
    onTestFinished(() => conn.close())
    const failure = await conn.whenSynced().catch((error: unknown) => error)
    expect(isTesseraError(failure, 'INVALID_ARGUMENT')).toBe(true)
    expect((failure as Error).message).toMatch(/cannot open a WebSocket.*blocked by the page/)
    expect(conn.isOnline).toBe(false)
    expect(conn.status).toBe('offline')
  })
})
