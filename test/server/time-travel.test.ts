// Time travel on a real server: rows and queries as of a time, a row's history of cell changes, a
// read-only table opened as of a time with the SDK, and the errors of each (docs/history.md).
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { openTableAt } from '../../client/index.js'
import { createMemoryStore, createTable, isTesseraError } from '../../src/index.js'
import { createTokenVerifier } from '../../server/access/tokens.js'
import { compactWithHistory } from '../../server/room-history.js'
import { call, testSecret } from '../helpers/auth.js'
import { connectSdk, iso, markTime } from '../helpers/history.js'
import { startServer } from '../helpers/start-server.js'

const columns = [
  { name: 'title', type: 'string' as const },
  { name: 'points', type: 'number' as const, default: 0 },
]

describe('time travel', () => {
  it('S103: rows and queries with ?at= answer the table as it was at that time', async () => {
    const server = await startServer()
    const conn = connectSdk(server, { table: 'todos', columns })
    await conn.whenSynced()
    const a = conn.table.insertRow({ title: 'a', points: 1 }, { id: 'a' })
    conn.table.insertRow({ title: 'b', points: 5 }, { id: 'b' })
    await conn.whenSaved()
    const first = await markTime(server, 'todos')
    conn.table.updateRow(a, { points: 9 })
    conn.table.deleteRow('b')
    conn.table.insertRow({ title: 'c' }, { id: 'c' })
    await conn.whenSaved()
    const second = await markTime(server, 'todos')

    const then = await call(server, 'GET', `/tables/todos/rows?at=${iso(first)}`)
    expect(then.status).toBe(200)
    expect(then.body).toEqual({
      rows: [
        { id: 'a', title: 'a', points: 1 },
        { id: 'b', title: 'b', points: 5 },
      ],
      total: 2,
      at: iso(first),
    })
    const now = await call(server, 'GET', `/tables/todos/rows?at=${iso(second)}&limit=1`)
    expect(now.body).toMatchObject({ rows: [{ id: 'a', points: 9 }], total: 2 })
    const query = { where: { points: { gt: 2 } }, orderBy: [['points', 'desc']] }
    const queried = await call(server, 'POST', `/tables/todos/query?at=${iso(first)}`, {
      body: query,
    })
    expect(queried.body).toEqual({ rows: [{ id: 'b', title: 'b', points: 5 }], total: 1 })
    const encoded = encodeURIComponent(JSON.stringify(query))
    const got = await call(server, 'GET', `/tables/todos/query?query=${encoded}&at=${iso(second)}`)
    expect(got.body.rows.map((row: { id: string }) => row.id)).toEqual(['a'])
    const before = await call(server, 'GET', `/tables/todos/rows?at=2000-01-01T00:00:00Z`)
    expect(before.body).toEqual({ rows: [], total: 0, at: '2000-01-01T00:00:00.000Z' })
  })

  it('S103: a malformed time is INVALID_ARGUMENT; one before the kept history is HISTORY_UNAVAILABLE (410)', async () => {
    const store = createMemoryStore()
    const doc = new Y.Doc()
    createTable({ doc, columns }).insertRow({ title: 'old' })
    const seq = await store.append('t', [
      {
        update: Y.encodeStateAsUpdate(doc),
        atMs: Date.parse('2026-01-01T00:00:00Z'),
        author: null,
      },
    ])
    const state = {
      state: Y.encodeStateAsUpdate(doc),
      seq,
      atMs: Date.parse('2026-01-01T00:00:00Z'),
    }
    await compactWithHistory(store, 't', state, {
      logBytesSinceNewest: 0,
      retentionMs: 1,
      nowMs: Date.parse('2026-02-01T00:00:00Z'),
    })
    const server = await startServer({ store })
    for (const at of ['yesterday', '2026-01-01T10:00', '1700000000000']) {
      const refused = await call(server, 'GET', `/tables/t/rows?at=${encodeURIComponent(at)}`)
      expect(refused.status).toBe(400)
      expect(refused.body.error.code).toBe('INVALID_ARGUMENT')
    }
    const gone = await call(server, 'GET', '/tables/t/rows?at=2025-12-31T23:59:59Z')
    expect(gone.status).toBe(410)
    expect(gone.body.error.code).toBe('HISTORY_UNAVAILABLE')
    expect(gone.body.error.message).toMatch(/keeps history from 2026-01-01T00:00:00.000Z/)
    const kept = await call(server, 'GET', '/tables/t/rows?at=2026-01-01T00:00:00Z')
    expect(kept.body.rows).toMatchObject([{ title: 'old' }])
    const history = await call(server, 'GET', '/tables/t/history')
    expect(history.body).toEqual({ from: '2026-01-01T00:00:00.000Z', entries: [] })
  })

  it('S104: a row history shows each change of each cell with its new value, who and when, and schema changes', async () => {
    const verifier = createTokenVerifier({ secret: testSecret })
    const token = (id: string) => verifier.sign({ id, roles: ['admin'] }, { expiresInSeconds: 600 })
    const server = await startServer({ auth: { secret: testSecret } })
    const [ann, bob] = await Promise.all([token('ann'), token('bob')])
    await call(server, 'POST', '/tables', { token: ann, body: { name: 'todos', columns } })
    const bobs = connectSdk(server, { table: 'todos', token: bob })
    await bobs.whenSynced()
    bobs.table.insertRow({ title: 'draft', points: 1 }, { id: 'r1' })
    await bobs.whenSaved()
    await call(server, 'PATCH', '/tables/todos/rows/r1', { token: ann, body: { points: 3 } })
    bobs.table.renameColumn('points', 'score')
    bobs.table.insertRow({ title: 'other' }, { id: 'r2' })
    await bobs.whenSaved()
    await call(server, 'DELETE', '/tables/todos/rows/r1', { token: ann })

    const { status, body } = await call(server, 'GET', '/tables/todos/rows/r1/history', {
      token: ann,
    })
    expect(status).toBe(200)
    const entries = body.entries as Record<string, unknown>[]
    const withoutSeqAndTime = (entry: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(entry).filter(([key]) => key !== 'at' && key !== 'seq'))
    expect(entries.map(withoutSeqAndTime)).toEqual([
      {
        userId: 'ann',
        action: 'schema',
        schema: [
          { column: 'title', change: 'added', to: 'string' },
          { column: 'points', change: 'added', to: 'number' },
        ],
      },
      {
        userId: 'bob',
        action: 'insert',
        columns: ['title', 'points'],
        cells: { title: 'draft', points: 1 },
      },
      { userId: 'ann', action: 'update', columns: ['points'], cells: { points: 3 } },
      {
        userId: 'bob',
        action: 'schema',
        schema: [{ column: 'score', change: 'renamed', from: 'points', to: 'score' }],
      },
      { userId: 'ann', action: 'delete' },
    ])
    const times = entries.map((entry) => Date.parse(entry.at as string))
    expect(times).toEqual([...times].sort((a, b) => a - b))
    const next = await call(
      server,
      'GET',
      `/tables/todos/rows/r1/history?after=${String(entries[2]!.seq)}&limit=1`,
      {
        token: ann,
      },
    )
    expect(next.body.entries).toMatchObject([{ action: 'schema', userId: 'bob' }])
  })

  it('S105: openTableAt opens a read-only table as it was, and refuses writes with FORBIDDEN', async () => {
    const server = await startServer()
    const conn = connectSdk(server, { table: 'notes', columns })
    await conn.whenSynced()
    conn.table.insertRow({ title: 'then' }, { id: 'n1' })
    await conn.whenSaved()
    const then = await markTime(server, 'notes')
    conn.table.setCell('n1', 'title', 'now')
    await conn.whenSaved()
    const past = await openTableAt({ url: server.wsUrl, table: 'notes', at: new Date(then) })
    expect(past.listRows()).toEqual([{ id: 'n1', title: 'then', points: 0 }])
    expect(() => past.setCell('n1', 'title', 'x')).toThrow(/read-only/)
    let caught: unknown
    try {
      past.insertRow({ title: 'x' })
    } catch (error) {
      caught = error
    }
    expect(isTesseraError(caught, 'FORBIDDEN')).toBe(true)
    const missing = await openTableAt({ url: server.url, table: 'nope', at: then }).catch(
      (error: unknown) => error,
    )
    expect(isTesseraError(missing, 'TABLE_NOT_FOUND')).toBe(true)
    await expect(
      openTableAt({ url: server.url, table: 'notes', at: 'soon', token: 'x', extra: 1 } as never),
    ).rejects.toThrow(/unknown option "extra"/)
  })
})
