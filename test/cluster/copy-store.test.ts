// Moving from the embedded default to PostgreSQL: every table of a SQLite file, copied.
import { join } from 'node:path'
import { expect, it } from 'vitest'
import * as Y from 'yjs'
import { createPostgresStore, createSqliteStore, copyStore } from '../../server/index.js'
import { applySnapshot, isTesseraError } from '../../src/index.js'
import { describeWithServices, freshPostgresUrl } from '../helpers/services.js'
import { tempDir } from '../helpers/temp-dir.js'

describeWithServices('copyStore', () => {
  it('copies every table of a SQLite file into PostgreSQL with its history, and refuses a second copy', async () => {
    const from = createSqliteStore({ path: join(tempDir(), 'tessera.db') })
    const doc = new Y.Doc()
    const updates: Uint8Array[] = []
    doc.on('update', (update: Uint8Array) => updates.push(update))
    for (let index = 0; index < 5; index++) doc.getMap('m').set(`k${index}`, index)
    const entries = updates.map((update, index) => ({
      update,
      atMs: 1000 + index,
      author: index % 2 === 0 ? 'ann' : null,
    }))
    await from.append('a', entries.slice(0, 3))
    await from.compact('a', Y.mergeUpdates(updates.slice(0, 3)), 3, { atMs: 1002 })
    await from.append('a', entries.slice(3))
    await from.append('b', [entries[0]!])
    const to = await createPostgresStore({ url: await freshPostgresUrl() })
    try {
      expect(await copyStore(from, to)).toEqual(['a', 'b'])
      const copy = new Y.Doc()
      const stored = await to.load('a')
      if (stored.snapshot !== undefined) applySnapshot(copy, stored.snapshot)
      for (const update of stored.updates) Y.applyUpdate(copy, update)
      expect(copy.getMap('m').toJSON()).toEqual(doc.getMap('m').toJSON())
      // The history comes along: every entry with its number, time and author.
      expect(await to.readLog('a', 0, 10)).toEqual(await from.readLog('a', 0, 10))
      const again: unknown = await copyStore(from, to).catch((error: unknown) => error)
      expect(isTesseraError(again, 'INVALID_ARGUMENT')).toBe(true)
    } finally {
      await from.close()
      await to.close()
    }
  })
})
