// What the server refuses reaches the app as TesseraErrors on the connection's `error` event.
import { describe, expect, it } from 'vitest'
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
