// The server reclaims dead overrides when it compacts a table's log (S129): the deletion is in
// the snapshot, stored in the log and broadcast like any update, and changes no row.
import { describe, expect, it } from 'vitest'
import { createTable } from '../../src/index.js'
import { connectClient } from '../helpers/sync-client.js'
import { sync, twoReplicas } from '../helpers/replicas.js'
import { startServer } from '../helpers/start-server.js'
import { waitFor } from '../helpers/wait-for.js'
import { storedDoc } from '../helpers/stored-doc.js'

const columns = [
  { name: 'title', type: 'string' as const },
  { name: 'n', type: 'number' as const, default: 0 },
]

describe('reclaiming on the server', () => {
  it('S129: a compaction deletes the overrides a delete-vs-edit race left, on the server and every client', async () => {
    // Two replicas race offline: one deletes rows the other edits.
    const [a, b] = twoReplicas({ columns })
    const ids = a.insertRows([{ title: 'one' }, { title: 'two' }, { title: 'three' }])
    sync(a, b)
    b.setCell(ids[0]!, 'n', 1)
    b.updateRow(ids[1]!, { title: 'edited', n: 2 })
    a.deleteRows([ids[0]!, ids[1]!])
    sync(a, b)
    expect(a.doc.getMap('o').size).toBe(3)
    const server = await startServer({ compactAfterUpdates: 2 })
    const writer = connectClient(server.wsUrl, 'race', { doc: a.doc })
    const reader = connectClient(server.wsUrl, 'race')
    await Promise.all([writer.whenSynced(), reader.whenSynced()])
    await writer.save()
    a.setCell(ids[2]!, 'n', 3)
    await writer.save()
    a.setCell(ids[2]!, 'n', 4)
    await writer.save()
    const seen = createTable({ doc: reader.doc })
    await waitFor(() => a.doc.getMap('o').size === 1 && reader.doc.getMap('o').size === 1, {
      what: 'the reclaiming update to reach both clients',
    })
    expect(seen.listRows()).toEqual(a.listRows())
    expect(a.listRows()).toEqual([{ id: ids[2], title: 'three', n: 4 }])
    // Broadcast after it was stored: the log after the snapshot holds the deletion.
    const stored = createTable({ doc: await storedDoc(server.store, 'race') })
    expect(stored.doc.getMap('o').size).toBe(1)
    expect(stored.listRows()).toEqual(a.listRows())
  })
})
