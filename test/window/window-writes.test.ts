// A window client's moves and placed inserts in the manual order, and the input checks of its
// writes and options, against a real server with a full replica beside it (S135, S136).
import { describe, expect, it, onTestFinished } from 'vitest'
import { WebSocket } from 'ws'
import { connectQuery, type ConnectQueryOptions } from '../../client/index.js'
import type { Row } from '../../src/index.js'
import { connect, startServer, uniqueTable, waitFor } from '../client/helpers.js'

const code = (run: () => unknown): string => {
  try {
    run()
  } catch (error) {
    return (error as { code?: string }).code ?? String(error)
  }
  return 'none'
}

async function setup(count: number, options: Partial<ConnectQueryOptions> = {}) {
  const server = await startServer()
  const table = uniqueTable()
  const full = connect({ url: server.url, table, columns: [{ name: 'title', type: 'string' }] })
  await full.whenSynced()
  await waitFor(() => full.table.getColumn('title') !== undefined)
  full.table.insertRows(Array.from({ length: count }, (_, i) => ({ title: `r${i}` })))
  await full.whenSaved()
  const q = connectQuery({ url: server.url, table, limit: 5, ...options, WebSocket })
  onTestFinished(() => q.close())
  await q.whenLoaded()
  return { server, table, full, q }
}

const titles = (rows: readonly Row[]) => rows.map((row) => row.title)

describe('window writes', () => {
  it('S135: moves rows and inserts between rows of a manual-order window, as a full replica sees them', async () => {
    const { full, q } = await setup(8)
    const [a, b, c, d] = q.rows.map((row) => row.id)
    q.moveRow(a!, { after: c! })
    expect(titles(q.rows)).toEqual(['r1', 'r2', 'r0', 'r3', 'r4'])
    q.moveRow(d!, { before: b! })
    q.moveRow(d!, { before: d! })
    const placed = q.insertRow({ title: 'between' }, { after: b! })
    q.insertRow({ title: 'first' }, { before: b! })
    await q.whenSaved()
    const expected = ['r3', 'first', 'r1', 'between', 'r2', 'r0', 'r4', 'r5', 'r6', 'r7']
    await waitFor(() => JSON.stringify(titles(full.table.listRows())) === JSON.stringify(expected))
    expect(full.table.getRow(placed)?.title).toBe('between')
  })

  it('S136: refuses places it cannot name and malformed writes, locally', async () => {
    const { q } = await setup(8, { offset: 2 })
    const [first, second] = q.rows.map((row) => row.id)
    // The row before the window's first row is not in the window.
    expect(code(() => q.moveRow(second!, { before: first! }))).toBe('ROW_NOT_FOUND')
    expect(code(() => q.insertRow({ title: 'x' }, { before: first! }))).toBe('ROW_NOT_FOUND')
    expect(code(() => q.moveRow(second!, {}))).toBe('INVALID_ARGUMENT')
    expect(code(() => q.moveRow('missing', { before: first! }))).toBe('ROW_NOT_FOUND')
    expect(code(() => q.insertRow({}, { at: 1 } as never))).toBe('INVALID_ARGUMENT')
    expect(code(() => q.updateRow(first!, null as never))).toBe('INVALID_ARGUMENT')
    expect(code(() => q.updateRow(first!, [] as never))).toBe('INVALID_ARGUMENT')
    expect(q.deleteRow(42 as never)).toBe(false)
    expect(code(() => q.setWindow({ offset: -1, limit: 5 }))).toBe('INVALID_ARGUMENT')
    expect(code(() => q.setWindow({ offset: 0, limit: 0 }))).toBe('INVALID_ARGUMENT')
    // An id among the cells is the row's own: ignored.
    q.updateRow(first!, { id: 'other', title: 'kept id' })
    expect(q.rows[0]).toMatchObject({ id: first, title: 'kept id' })
    expect(q.unsaved).toBe(1)
  })

  it('S136: a window with orderBy cannot place rows', async () => {
    const { q } = await setup(4, { query: { orderBy: [['title', 'desc']] } })
    const [first, second] = q.rows.map((row) => row.id)
    expect(code(() => q.moveRow(first!, { after: second! }))).toBe('INVALID_ARGUMENT')
    expect(code(() => q.insertRow({ title: 'x' }, { after: second! }))).toBe('INVALID_ARGUMENT')
  })

  it('checks its options and names the one that is wrong', () => {
    const url = 'ws://127.0.0.1:9'
    const base = { url, table: 't', WebSocket }
    const bad: [object, RegExp][] = [
      [null as never, /options object/],
      [{ ...base, url: 'ftp://x' }, /url must be/],
      [{ ...base, table: 'a/b' }, /not a valid table name/],
      [{ ...base, token: 7 }, /token must be a string/],
      [{ ...base, query: [] }, /query must be an object/],
      [{ ...base, query: { limit: 5 } }, /query.limit is not taken/],
      [{ ...base, offset: 1.5 }, /offset must be an integer/],
      [{ ...base, offline: 'yes' }, /offline must be/],
      [{ ...base, maxBackoffMs: 0 }, /maxBackoffMs must be/],
      [{ url, table: 't', WebSocket: 'nope' }, /no WebSocket/],
    ]
    for (const [options, message] of bad)
      expect(() => connectQuery(options as ConnectQueryOptions)).toThrow(message)
  })
})
