// History in the store: every accepted update kept with its time and author, compaction that keeps
// the log replayable within the retention, and trimming past it (docs/history.md).
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createMemoryStore, createTable, isTesseraError, type Store } from '../../src/index.js'
import { copyHistoryUntil, loadDocAt, planCompaction } from '../../src/internal.js'
import { createTokenVerifier } from '../../server/access/tokens.js'
import { compactWithHistory } from '../../server/room-history.js'
import { call, testSecret } from '../helpers/auth.js'
import { startServer } from '../helpers/start-server.js'
import { connectClient } from '../helpers/sync-client.js'

const verifier = createTokenVerifier({ secret: testSecret })
const tokenFor = (id: string) =>
  verifier.sign({ id, name: id, roles: ['admin'] }, { expiresInSeconds: 600 })

/** The table as it was at `atMs`, as JSON rows. */
const rowsAt = async (store: Store, table: string, atMs: number) => {
  const { doc } = await loadDocAt(store, table, atMs)
  const rows = createTable({ doc }).listRows()
  doc.destroy()
  return rows
}

describe('history in the store', () => {
  it('S100: every accepted update is kept with the time the server accepted it and its author', async () => {
    const server = await startServer({ auth: { secret: testSecret } })
    const [ann, bob] = await Promise.all([tokenFor('ann'), tokenFor('bob')])
    const before = Date.now()
    const created = await call(server, 'POST', '/tables', {
      token: ann,
      body: { name: 'todos', columns: [{ name: 'title', type: 'string' }] },
    })
    expect(created.status).toBe(201)
    const client = connectClient(server.wsUrl, 'todos', { query: `token=${bob}` })
    await client.whenSynced()
    createTable({ doc: client.doc }).insertRow({ title: 'from bob' }, { id: 'b' })
    await client.save()
    expect(
      (await call(server, 'POST', '/tables/todos/rows', { token: ann, body: { id: 'a' } })).status,
    ).toBe(201)
    const after = Date.now()
    const log = await server.store.readLog('todos', 0, 100)
    // The first entry is the server's own: the format version its Table writes.
    expect(log.map((entry) => entry.author)).toEqual([null, 'ann', 'bob', 'ann'])
    const times = log.map((entry) => entry.atMs)
    expect(times).toEqual([...times].sort((a, b) => a - b))
    expect(times[0]).toBeGreaterThanOrEqual(before)
    expect(times.at(-1)).toBeLessThanOrEqual(after)
  })

  it('S101: compaction keeps every entry within the retention, and each past time replays exactly', async () => {
    const server = await startServer({ compactAfterUpdates: 3 })
    const client = connectClient(server.wsUrl, 'log')
    await client.whenSynced()
    const table = createTable({ doc: client.doc, columns: [{ name: 'n', type: 'number' }] })
    await client.save()
    const id = table.insertRow({ n: 0 })
    await client.save()
    for (let n = 1; n <= 12; n++) {
      table.setCell(id, 'n', n)
      await client.save()
    }
    const log = await server.store.readLog('log', 0, 100)
    expect(log.map((entry) => entry.seq)).toEqual(log.map((_, index) => index + 1))
    expect((await server.store.snapshots('log')).length).toBeGreaterThan(0)
    // The client's 14 writes; the rest are the server's reclaims of first values its edits
    // shadowed (S291), deletions only, which change no cell.
    const writes = log.filter((entry) => Y.decodeUpdate(entry.update).structs.length > 0)
    expect(writes).toHaveLength(14)
    expect(log.length - writes.length).toBeLessThanOrEqual(4)
    // Each write's time shows the value it wrote (entries may share a millisecond: the last wins).
    for (const entry of writes.slice(1)) {
      const last = writes.filter((other) => other.atMs <= entry.atMs).length
      const expected = last - 2 // entry 1 made the column, entry 2 the row with n = 0
      expect((await rowsAt(server.store, 'log', entry.atMs))[0]).toMatchObject({ n: expected })
    }
  })

  it('S101: with a retention of 0 compaction keeps no history', async () => {
    const server = await startServer({ compactAfterUpdates: 2, historyRetentionMs: 0 })
    const client = connectClient(server.wsUrl, 'nohistory')
    await client.whenSynced()
    for (let n = 0; n < 4; n++) {
      client.doc.getMap('m').set('n', n)
      await client.save()
    }
    const stored = await server.store.load('nohistory')
    const log = await server.store.readLog('nohistory', 0, 100)
    expect(log.length).toBe(stored.updates.length)
    expect(await server.store.snapshots('nohistory')).toHaveLength(1)
  })
})

describe('retention', () => {
  const day = 24 * 60 * 60 * 1000

  /** A table edited once a day for `days` days, compacted after each edit, in a memory store. */
  const editDaily = async (days: number, retentionMs: number) => {
    const store = createMemoryStore()
    const doc = new Y.Doc()
    const table = createTable({ doc, columns: [{ name: 'day', type: 'number' }] })
    const first = Y.encodeStateAsUpdate(doc)
    let seq = await store.append('t', [{ update: first, atMs: 0, author: null }])
    const id = table.insertRow({ day: 0 })
    for (let d = 0; d < days; d++) {
      const vector = Y.encodeStateVector(doc)
      table.setCell(id, 'day', d)
      const update = Y.encodeStateAsUpdate(doc, vector)
      seq = await store.append('t', [{ update, atMs: d * day, author: 'ann' }])
      await compactWithHistory(
        store,
        't',
        { state: Y.encodeStateAsUpdate(doc), seq, atMs: d * day },
        { logBytesSinceNewest: update.byteLength, retentionMs, nowMs: d * day },
      )
    }
    return store
  }

  it('S102: history older than the retention is trimmed and reading before it is HISTORY_UNAVAILABLE', async () => {
    const store = await editDaily(60, 30 * day)
    const [base] = await store.snapshots('t')
    expect(base!.atMs).toBeLessThanOrEqual(29 * day)
    expect(base!.atMs).toBeGreaterThan(20 * day)
    expect((await rowsAt(store, 't', 29 * day))[0]).toMatchObject({ day: 29 })
    expect((await rowsAt(store, 't', 45 * day + 5))[0]).toMatchObject({ day: 45 })
    const error: unknown = await loadDocAt(store, 't', 10 * day).catch((caught: unknown) => caught)
    expect(isTesseraError(error, 'HISTORY_UNAVAILABLE')).toBe(true)
  })

  it('S102: checkpoints bound the replay: a small state is checkpointed often, a big one rarely', () => {
    const snapshots = [
      { seq: 10, atMs: 1, byteLength: 100 },
      { seq: 20, atMs: 2, byteLength: 100 },
    ]
    const input = { snapshots, logBytesSinceNewest: 50, retentionMs: day, nowMs: 3 }
    // 10 entries of 5 bytes since seq 20, 20 since seq 10: replaying 100 bytes is cheaper than
    // reading a 1,000-byte snapshot, so the snapshot at 20 is replaced.
    expect(planCompaction({ ...input, next: { seq: 30, atMs: 3, byteLength: 1000 } })).toEqual({
      replaces: 20,
    })
    expect(planCompaction({ ...input, next: { seq: 30, atMs: 3, byteLength: 80 } })).toEqual({})
    expect(
      planCompaction({ ...input, next: { seq: 30, atMs: 3, byteLength: 80 }, retentionMs: 0 }),
    ).toEqual({ replaces: 20, trimTo: 30 })
    expect(
      planCompaction({ ...input, next: { seq: 30, atMs: 3, byteLength: 80 }, nowMs: day + 2 }),
    ).toEqual({ trimTo: 20 })
  })
})

describe('copying history up to a time', () => {
  it('S109: copies the base, the entries and checkpoints up to a time, and the state then', async () => {
    const day = 24 * 60 * 60 * 1000
    const from = createMemoryStore()
    const doc = new Y.Doc()
    const table = createTable({ doc, columns: [{ name: 'n', type: 'number' }] })
    let seq = await from.append('t', [
      { update: Y.encodeStateAsUpdate(doc), atMs: 0, author: null },
    ])
    const id = table.insertRow({ n: 0 })
    for (let d = 1; d <= 40; d++) {
      const vector = Y.encodeStateVector(doc)
      table.setCell(id, 'n', d)
      const update = Y.encodeStateAsUpdate(doc, vector)
      seq = await from.append('t', [{ update, atMs: d * day, author: 'ann' }])
      await compactWithHistory(
        from,
        't',
        { state: Y.encodeStateAsUpdate(doc), seq, atMs: d * day },
        { logBytesSinceNewest: update.byteLength, retentionMs: 10 * day, nowMs: d * day },
      )
    }
    const to = createMemoryStore()
    const copied = await copyHistoryUntil(from, to, 't', 35 * day + 1)
    expect(copied?.seq).toBe(
      (await from.readLog('t', 0, 1000)).find((e) => e.atMs === 35 * day)!.seq,
    )
    expect((await rowsAt(to, 't', 35 * day))[0]).toMatchObject({ n: 35 })
    expect((await rowsAt(to, 't', 32 * day))[0]).toMatchObject({ n: 32 })
    const loaded = await to.load('t')
    expect(loaded.seq).toBe(copied!.seq)
    expect(await copyHistoryUntil(from, createMemoryStore(), 'none', 35 * day)).toBeUndefined()
    const tooOld = await copyHistoryUntil(from, createMemoryStore(), 't', 2 * day).catch(
      (error: unknown) => error,
    )
    expect(isTesseraError(tooOld, 'HISTORY_UNAVAILABLE')).toBe(true)
  })
})
