// Undo of format 3 rows never relies on their first values (S294, S295): a server doc linked by
// hand runs the reclaim of first values (S291) between the steps, also while the undoing client
// is offline, and every replica reads what the undoing client read before its step.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createUndo, type Undo } from '../../client/undo.js'
import { createTable, type Table } from '../../src/index.js'
import { createValuesReclaim, reclaimDeadOverrides, tableMaps } from '../../src/internal.js'
import { liveValues } from '../helpers/format-three-read.js'
import { writeRawFormatThreeRows } from '../helpers/raw-format-three.js'

const columns = [
  { name: 'title', type: 'string' as const },
  { name: 'n', type: 'number' as const, default: 0 },
]

interface Setup {
  a: Table
  b: Table
  server: Y.Doc
  undo: Undo
  ids: string[]
  /** Exchanges everything between `table`'s doc and the server's. */
  sync(...tables: Table[]): void
  /** The server's reclaims (S129, S291) to their end; returns the first values deleted. */
  reclaim(): number
}

/** Three format 3 rows written by `a`, on both replicas and the server. */
function setup(): Setup {
  const server = new Y.Doc()
  const a = createTable({ doc: new Y.Doc(), columns })
  const b = createTable({ doc: new Y.Doc() })
  const undo = createUndo(a, {}, (error) => {
    throw error
  })
  const sync = (...tables: Table[]): void => {
    for (const table of tables) {
      Y.applyUpdate(server, Y.encodeStateAsUpdate(table.doc, Y.encodeStateVector(server)))
      Y.applyUpdate(table.doc, Y.encodeStateAsUpdate(server, Y.encodeStateVector(table.doc)))
    }
  }
  const ids = ['one', 'two', 'three']
  writeRawFormatThreeRows(
    a.doc,
    a.columns().map((column) => column.id),
    ids.map((id, index) => ({ id, cells: [`first ${id}`, index + 1] })),
  )
  sync(a, b)
  return {
    a,
    b,
    server,
    undo,
    ids,
    sync,
    reclaim() {
      reclaimDeadOverrides(tableMaps(server), 'reclaim')
      const reclaim = createValuesReclaim(server)
      let deleted = reclaim.step('reclaim')
      while (reclaim.isRunning) deleted += reclaim.step('reclaim')
      return deleted
    },
  }
}

describe('undo of format 3 rows', () => {
  for (const when of ['after it reached this client', 'while this client was offline']) {
    it(`S294: a first edit undone across the reclaim of its first value reads its value before the edit everywhere, the reclaim ${when}`, () => {
      const s = setup()
      const { a, b, undo } = s
      const [id] = s.ids as [string]
      a.setCell(id, 'title', 'edited')
      a.setCell(id, 'n', 0)
      s.sync(a, b)
      expect(s.reclaim()).toBe(2)
      if (when === 'after it reached this client') s.sync(a)
      // Undo the edit of n (to its default), then the title's.
      expect(undo.undo()).toBe(true)
      expect(undo.undo()).toBe(true)
      const before = { id, title: 'first one', n: 1 }
      expect(a.getRow(id)).toEqual(before)
      s.sync(a, b, a)
      for (const table of [a, b, createTable({ doc: s.server })])
        expect(table.getRow(id)).toEqual(before)
      // A redo takes the written values back with the step, and undo restores them again.
      expect(undo.redo()).toBe(true)
      expect(a.getCell(id, 'title')).toBe('edited')
      expect(undo.undo()).toBe(true)
      s.sync(a, b)
      expect(b.getRow(id)).toEqual(before)
    })
  }

  for (const when of ['after it reached this client', 'while this client was offline']) {
    it(`S295: a row deleted, its first values reclaimed and the delete undone comes back with its values everywhere, the reclaim ${when}`, () => {
      const s = setup()
      const { a, b, undo } = s
      const seen = a.listRows()
      a.deleteRows(['one', 'three'])
      s.sync(a, b)
      const values = liveValues(s.server)
      expect(s.reclaim()).toBe(4)
      if (when === 'after it reached this client') s.sync(a)
      expect(undo.undo()).toBe(true)
      expect(a.listRows()).toEqual(seen)
      s.sync(a, b, a)
      for (const table of [a, b, createTable({ doc: s.server })])
        expect(table.listRows()).toEqual(seen)
      // The restored lives read overrides now: the next reclaim takes nothing they read.
      s.reclaim()
      s.sync(a, b)
      expect(b.listRows()).toEqual(seen)
      expect(liveValues(s.server)).toBeLessThanOrEqual(values - 4)
    })
  }
})
