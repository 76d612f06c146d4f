// The server reclaims format 3's dead first values after its compactions (S291, S292): the
// deletions are stored in the log, broadcast like any update, and change no cell any client reads.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createTable } from '../../src/index.js'
import { formatVersion, tableMaps } from '../../src/layout.js'
import { valuesOf } from '../../src/values-array.js'
import { formatThreeCells, liveValues, writeFormatThreeCell } from '../helpers/format-three-read.js'
import { writeRawFormatThreeRows } from '../helpers/raw-format-three.js'
import { connectClient } from '../helpers/sync-client.js'
import { startServer } from '../helpers/start-server.js'
import { waitFor } from '../helpers/wait-for.js'
import { storedDoc } from '../helpers/stored-doc.js'

/** A table of 30 format 3 rows: 10 edited, 5 deleted, 1 re-created, and values no row names. */
function seedTable(): { doc: Y.Doc; dead: number; incs: string[] } {
  const table = createTable({
    columns: [
      { name: 'title', type: 'string' },
      { name: 'n', type: 'number', default: 0 },
    ],
  })
  const { doc } = table
  const ids = table.columns().map((column) => column.id)
  const rows = Array.from({ length: 30 }, (_, index) => ({
    id: `row-${index}`,
    cells: [`first ${index}`, index],
  }))
  const incs = writeRawFormatThreeRows(doc, ids, rows)
  for (let index = 0; index < 10; index++) writeFormatThreeCell(doc, incs[index]!, 1, -index)
  for (let index = 10; index < 15; index++) tableMaps(doc).rows.delete(`row-${index}`)
  writeRawFormatThreeRows(doc, ids, [{ id: 'row-29', cells: ['second life', 29] }])
  valuesOf(doc).push(['named by no row'])
  // The version this build reads (format 3 rows are written before the readers know version 3).
  tableMaps(doc).meta.set('formatVersion', formatVersion)
  return { doc, dead: 10 + 5 * 2 + 2 + 1, incs }
}

describe('reclaiming first values on the server', () => {
  it('S291: a compaction deletes the first values no live row reads, in the store and on every client, and no cell reads otherwise', async () => {
    const seed = seedTable()
    const shown = formatThreeCells(seed.doc)
    const server = await startServer({ compactAfterUpdates: 2 })
    await server.store.append('churn', [
      { update: Y.encodeStateAsUpdate(seed.doc), atMs: Date.now(), author: null },
    ])
    const writer = connectClient(server.wsUrl, 'churn')
    const reader = connectClient(server.wsUrl, 'churn')
    await Promise.all([writer.whenSynced(), reader.whenSynced()])
    const before = liveValues(reader.doc)
    expect(before).toBe(2 * 31 + 1)
    // Log entries that add no first value: row-0's edited cell written again, as it was.
    for (let round = 0; round < 10 && liveValues(writer.doc) === before; round++) {
      writeFormatThreeCell(writer.doc, seed.incs[0]!, 1, -0)
      await writer.save()
    }
    await waitFor(() => liveValues(reader.doc) === before - seed.dead, {
      what: 'the reclaim of first values to reach the reader',
    })
    expect(liveValues(writer.doc)).toBe(before - seed.dead)
    for (const doc of [writer.doc, reader.doc]) expect(formatThreeCells(doc)).toEqual(shown)
    // Stored after the snapshot that still holds them, as the next log entry.
    const stored = await storedDoc(server.store, 'churn')
    expect(liveValues(stored)).toBe(before - seed.dead)
    expect(formatThreeCells(stored)).toEqual(shown)
  })
})
