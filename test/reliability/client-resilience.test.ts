// Client resilience with stock y-websocket providers: reconnecting after a server restart, after
// a long offline period, and after the server lost a table's tail (restored from an older backup)
// converges without losing the client's own offline edits.
import { copyFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import type * as Y from 'yjs'
import { describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../helpers/start-server.js'
import { connectClient, connectStockProvider } from '../helpers/sync-client.js'
import { tempDir } from '../helpers/temp-dir.js'
import { waitFor } from '../helpers/wait-for.js'

const isLong = process.env.TESSERA_LONG === '1'
const offlineEdits = isLong ? 20_000 : 2_000
const table = 'resilient'

const portOf = (server: TestServer): number => Number(new URL(server.url).port)

const keysOf = (doc: Y.Doc): string[] => [...doc.getMap('m').keys()].sort()

/** What a fresh client of the server sees. */
const serverKeys = async (wsUrl: string): Promise<string[]> => {
  const reader = connectClient(wsUrl, table)
  await reader.whenSynced()
  const keys = keysOf(reader.doc)
  reader.close()
  return keys
}

const writeKeys = (doc: Y.Doc, prefix: string, count: number): string[] => {
  const keys = Array.from({ length: count }, (_, index) => `${prefix}${index}`)
  doc.transact(() => {
    for (const key of keys) doc.getMap('m').set(key, key)
  })
  return keys
}

describe('client resilience', () => {
  it('a provider reconnects after a server restart and sends the edits it made meanwhile', async () => {
    const dbPath = join(tempDir(), 'restart.db')
    const first = await startServer({ dbPath })
    const { provider, doc } = connectStockProvider(first.wsUrl, table)
    await waitFor(() => provider.synced, { what: 'the first sync' })
    const before = writeKeys(doc, 'before', 10)
    await waitFor(async () => (await serverKeys(first.wsUrl)).length === 10)
    await first.close()
    await waitFor(() => !provider.wsconnected, { what: 'the provider to notice' })
    const offline = writeKeys(doc, 'offline', 100)
    const second = await startServer({ dbPath, port: portOf(first) })
    const expected = [...before, ...offline].sort()
    await waitFor(async () => (await serverKeys(second.wsUrl)).join() === expected.join(), {
      what: 'the offline edits to reach the restarted server',
      timeoutMs: 20_000,
    })
  })

  it(`a client offline for ${offlineEdits} edits on each side converges and keeps its own`, async () => {
    const server = await startServer({ sqliteSynchronous: 'normal' })
    const away = connectStockProvider(server.wsUrl, table)
    const online = connectClient(server.wsUrl, table)
    await Promise.all([waitFor(() => away.provider.synced, { what: 'sync' }), online.whenSynced()])
    away.provider.disconnect()
    const mine = writeKeys(away.doc, 'away', offlineEdits)
    for (let batch = 0; batch < offlineEdits; batch += 100) {
      writeKeys(online.doc, `online${batch}-`, 100)
      await online.save()
    }
    away.provider.connect()
    const total = offlineEdits * 2
    await waitFor(
      () => away.doc.getMap('m').size === total && online.doc.getMap('m').size === total,
      { what: 'both to converge', timeoutMs: 30_000 },
    )
    expect(keysOf(away.doc)).toEqual(keysOf(online.doc))
    const stored = await serverKeys(server.wsUrl)
    expect(mine.filter((key) => !stored.includes(key))).toEqual([])
  })

  it('after the server is restored from an older backup, clients give it back the lost tail', async () => {
    const dir = tempDir()
    const dbPath = join(dir, 'live.db')
    const backupPath = join(dir, 'backup.db')
    const first = await startServer({ dbPath })
    const a = connectStockProvider(first.wsUrl, table)
    const b = connectClient(first.wsUrl, table)
    await Promise.all([waitFor(() => a.provider.synced, { what: 'sync' }), b.whenSynced()])
    writeKeys(b.doc, 'old', 50)
    await b.save()
    // An online backup, as an operator takes one (docs/operations.md).
    const live = new Database(dbPath, { readonly: true })
    await live.backup(backupPath)
    live.close()
    writeKeys(b.doc, 'tail', 50)
    await b.save()
    await waitFor(() => a.doc.getMap('m').size === 100, { what: 'a to see the tail' })
    a.provider.disconnect()
    await first.close()
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${dbPath}${suffix}`, { force: true })
    copyFileSync(backupPath, dbPath)
    const restored = await startServer({ dbPath, port: portOf(first) })
    expect((await serverKeys(restored.wsUrl)).length).toBe(50)
    const offline = writeKeys(a.doc, 'during-outage', 20)
    a.provider.connect()
    await waitFor(async () => (await serverKeys(restored.wsUrl)).length === 120, {
      what: 'the lost tail and the offline edits to come back',
      timeoutMs: 20_000,
    })
    const stored = await serverKeys(restored.wsUrl)
    expect(offline.filter((key) => !stored.includes(key))).toEqual([])
    expect(stored).toEqual(keysOf(a.doc))
  })
})
