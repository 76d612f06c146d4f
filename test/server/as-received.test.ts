// S225: an update the server accepts unchanged, whole and new is stored and broadcast as the bytes
// its writer sent; anything else (a sync answer, an update carrying what the server has, a
// corrected one) as the server's encoding of the change. Real server, SQLite file, real sockets.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createTable } from '../../src/index.js'
import { decodeMessage, encodeMessage } from '../../src/internal.js'
import { createSqliteStore } from '../../server/adapters/sqlite-store.js'
import { startServer, type TestServer } from '../helpers/start-server.js'
import { connectClient, type SyncClient } from '../helpers/sync-client.js'
import { waitFor } from '../helpers/wait-for.js'

const columns = [
  { name: 'a', type: 'number' as const },
  { name: 'b', type: 'number' as const },
]

/** The table's log entries as stored in the server's file (read beside the running server). */
async function storedLog(server: TestServer, table: string): Promise<Uint8Array[]> {
  const store = createSqliteStore({ path: server.dbPath, readonly: true })
  try {
    return (await store.load(table)).updates
  } finally {
    await store.close()
  }
}

/** The sync updates `client` receives from now on. */
function syncUpdatesOf(client: SyncClient): Uint8Array[] {
  const updates: Uint8Array[] = []
  client.socket.on('message', (data: Buffer) => {
    const message = decodeMessage(new Uint8Array(data))
    if (message.type === 'sync-update') updates.push(message.update)
  })
  return updates
}

/** A server with table `t` holding two rows written by a writer, and that writer, saved. */
async function setup() {
  const server = await startServer()
  const writer = connectClient(server.wsUrl, 't')
  await writer.whenSynced()
  const table = createTable({ doc: writer.doc, columns })
  const ids = table.insertRows([
    { a: 1, b: 1 },
    { a: 2, b: 2 },
  ])
  await writer.save()
  return { server, writer, table, ids }
}

/** Runs `edit` on `doc` and returns the update it made. */
function updateOf(doc: Y.Doc, edit: () => void): Uint8Array {
  let update: Uint8Array | undefined
  const keep = (bytes: Uint8Array): void => {
    update = bytes
  }
  doc.on('update', keep)
  edit()
  doc.off('update', keep)
  return update!
}

describe('S225: updates stored as received', () => {
  it('S225: an update accepted unchanged is stored and broadcast as the bytes its writer sent', async () => {
    const { server, writer, table, ids } = await setup()
    const reader = connectClient(server.wsUrl, 't')
    await reader.whenSynced()
    const broadcast = syncUpdatesOf(reader)
    const before = (await storedLog(server, 't')).length
    const sent = updateOf(writer.doc, () => table.setCell(ids[0]!, 'a', 10))
    await writer.save()
    const log = await storedLog(server, 't')
    expect(log).toHaveLength(before + 1)
    expect(log.at(-1)).toEqual(sent)
    await waitFor(() => broadcast.length > 0, { what: 'the broadcast' })
    expect(broadcast[0]).toEqual(sent)
  })

  it('S225: a concurrent edit is stored as sent, with the deletion the server had made already', async () => {
    const { server, writer, table, ids } = await setup()
    table.setCell(ids[0]!, 'a', 3)
    await writer.save()
    const replica = new Y.Doc()
    Y.applyUpdate(replica, Y.encodeStateAsUpdate(writer.doc))
    table.setCell(ids[0]!, 'a', 4)
    await writer.save()
    // Both overwrite the value 3: the replica's update deletes it again, which Yjs would not
    // encode for the server (it deleted nothing new), yet replaying it changes nothing either.
    const sent = updateOf(replica, () => createTable({ doc: replica }).setCell(ids[0]!, 'a', 5))
    const before = (await storedLog(server, 't')).length
    writer.sendRaw(encodeMessage({ type: 'sync-update', update: sent }))
    await writer.save()
    const log = await storedLog(server, 't')
    expect(log).toHaveLength(before + 1)
    expect(log.at(-1)).toEqual(sent)
    const restored = new Y.Doc()
    for (const update of log) Y.applyUpdate(restored, update)
    Y.applyUpdate(writer.doc, sent)
    expect(createTable({ doc: restored }).toJSON()).toEqual(table.toJSON())
  })

  it('S225: a sync answer carrying deletions the server has stores only what is new', async () => {
    const { server, writer, table, ids } = await setup()
    // Overwritten values are deletions every later sync answer of a replica carries again.
    table.setCell(ids[0]!, 'a', 3)
    table.setCell(ids[0]!, 'a', 4)
    await writer.save()
    const offline = new Y.Doc()
    Y.applyUpdate(offline, Y.encodeStateAsUpdate(writer.doc))
    createTable({ doc: offline }).setCell(ids[1]!, 'b', 20)
    const answer = Y.encodeStateAsUpdate(offline, Y.encodeStateVector(writer.doc))
    const before = (await storedLog(server, 't')).length

    const late = connectClient(server.wsUrl, 't', { doc: offline })
    await late.whenSynced()
    await late.save()
    const log = await storedLog(server, 't')
    expect(log).toHaveLength(before + 1)
    const stored = log.at(-1)!
    expect(stored).not.toEqual(answer)
    const deleted = (update: Uint8Array) =>
      [...Y.decodeUpdate(update).ds.clients.values()].flat().length
    expect(deleted(answer)).toBeGreaterThan(deleted(stored))
    await writer.save()
    expect(createTable({ doc: writer.doc }).getRow(ids[1]!)).toMatchObject({ b: 20 })
  })

  it('S225: an update that repeats structs the server has stores only the new ones', async () => {
    const { server, writer, table, ids } = await setup()
    const old = updateOf(writer.doc, () => table.setCell(ids[0]!, 'a', 5))
    await writer.save()
    // A merged update of an old edit and a new one, sent by a replica that kept both.
    const replica = new Y.Doc()
    Y.applyUpdate(replica, Y.encodeStateAsUpdate(writer.doc))
    const fresh = updateOf(replica, () => createTable({ doc: replica }).setCell(ids[1]!, 'a', 6))
    const merged = Y.mergeUpdates([old, fresh])
    const before = (await storedLog(server, 't')).length
    writer.sendRaw(encodeMessage({ type: 'sync-update', update: merged }))
    await writer.save()
    const log = await storedLog(server, 't')
    expect(log).toHaveLength(before + 1)
    expect(log.at(-1)).not.toEqual(merged)
    const client = replica.clientID
    const { from } = Y.parseUpdateMeta(log.at(-1)!)
    expect(from.get(writer.doc.clientID)).toBeUndefined()
    expect(from.get(client)).toBe(Y.parseUpdateMeta(fresh).from.get(client))
  })

  it('S225: an update sent again is not stored again', async () => {
    const { server, writer, table, ids } = await setup()
    const sent = updateOf(writer.doc, () => table.setCell(ids[0]!, 'b', 7))
    await writer.save()
    const before = (await storedLog(server, 't')).length
    writer.sendRaw(encodeMessage({ type: 'sync-update', update: sent }))
    await writer.save()
    expect(await storedLog(server, 't')).toHaveLength(before)
  })
})
