// Undo by value (S275, S276, S277): two replicas and a server doc linked by hand, the server's
// reclaim (S129) run directly between the steps, and this client's undo and redo.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createUndo, type Undo } from '../../client/undo.js'
import { createTable, type Row, type Table, type TableChange } from '../../src/index.js'
import { reclaimDeadOverrides, tableMaps } from '../../src/internal.js'

const columns = [
  { name: 'title', type: 'string' as const },
  { name: 'n', type: 'number' as const, default: 0 },
]

interface Setup {
  a: Table
  b: Table
  undo: Undo
  /** Exchanges everything between `table`'s doc and the server's. */
  sync(...tables: Table[]): void
  /** The server's reclaim, then its result sent to `tables`. */
  reclaim(...tables: Table[]): number
}

function setup(captureTimeoutMs = 0, clients?: [number, number]): Setup {
  const server = new Y.Doc()
  const docs = [new Y.Doc(), new Y.Doc()] as const
  if (clients !== undefined) [docs[0].clientID, docs[1].clientID] = clients
  const a = createTable({ doc: docs[0], columns })
  const b = createTable({ doc: docs[1] })
  const undo = createUndo(a, { captureTimeoutMs }, (error) => {
    throw error
  })
  const sync = (...tables: Table[]): void => {
    for (const table of tables) {
      Y.applyUpdate(server, Y.encodeStateAsUpdate(table.doc, Y.encodeStateVector(server)))
      Y.applyUpdate(table.doc, Y.encodeStateAsUpdate(server, Y.encodeStateVector(table.doc)))
    }
  }
  sync(a, b)
  return {
    a,
    b,
    undo,
    sync,
    reclaim(...tables) {
      const count = reclaimDeadOverrides(tableMaps(server), 'reclaim')
      sync(...tables)
      return count
    },
  }
}

/** A row edited by `a`, then edited by `b` (who saw a's edit) while a deletes it. */
function editedThenRaced(s: Setup): { id: string; seen: Row } {
  const { a, b } = s
  const id = a.insertRow({ title: 'first', n: 1 })
  a.setCell(id, 'title', 'edited')
  a.setCell(id, 'n', 2)
  s.sync(a, b)
  const seen = a.getRow(id)!
  b.setCell(id, 'title', 'by b')
  a.deleteRow(id)
  s.sync(a, b, a)
  return { id, seen }
}

describe('undo by value', () => {
  for (const isReclaimed of [true, false]) {
    it(`S275: undoing a delete brings the row back as this client read it, ${isReclaimed ? 'after' : 'before'} the server reclaimed a concurrent edit of it`, () => {
      const s = setup()
      const { a, b, undo } = s
      const { id, seen } = editedThenRaced(s)
      if (isReclaimed) expect(s.reclaim(a, b)).toBe(1)
      const changes: TableChange[] = []
      a.on('change', (change) => changes.push(change))
      expect(undo.undo()).toBe(true)
      expect(a.getRow(id)).toEqual(seen)
      expect(changes.map((change) => change.source)).toEqual(['undo'])
      expect([...changes[0]!.added]).toEqual([id])
      s.sync(a, b)
      expect(b.getRow(id)).toEqual(seen)
      // The write-back is part of the step: redo deletes the row, undo brings it back again.
      expect(undo.redo()).toBe(true)
      expect(a.hasRow(id)).toBe(false)
      s.sync(a, b)
      s.reclaim(a, b)
      expect(undo.undo()).toBe(true)
      expect(a.getRow(id)).toEqual(seen)
      // The edits before the delete are undone one by one, then the insert.
      expect(undo.undo()).toBe(true)
      expect(a.getRow(id)).toEqual({ id, title: 'edited', n: 1 })
      expect(undo.undo()).toBe(true)
      expect(a.getRow(id)).toEqual({ id, title: 'first', n: 1 })
      expect(undo.undo()).toBe(true)
      expect(a.hasRow(id)).toBe(false)
      expect(undo.canUndo).toBe(false)
      for (let step = 0; step < 4; step++) expect(undo.redo()).toBe(true)
      expect(a.hasRow(id)).toBe(false)
      expect(undo.undo()).toBe(true)
      s.sync(a, b)
      expect(b.getRow(id)).toEqual(seen)
    })
  }

  it('S275: a delete of many rows, each edited, comes back whole after a reclaim', () => {
    const s = setup()
    const { a, b, undo } = s
    const ids = a.insertRows([{ title: 'x' }, { title: 'y', n: 5 }, { title: 'z' }])
    a.updateRow(ids[0]!, { n: 10 })
    a.moveRow(ids[2]!, { before: ids[0]! })
    s.sync(a, b)
    // b overwrites a's edit and a's move, unaware of a's delete.
    b.setCell(ids[0]!, 'n', 11)
    b.moveRow(ids[2]!, { after: ids[1]! })
    const seen = a.listRows()
    a.deleteRows(ids)
    s.sync(a, b, a)
    expect(s.reclaim(a, b)).toBe(2)
    undo.undo()
    expect(a.listRows()).toEqual(seen)
    s.sync(a, b)
    expect(b.listRows()).toEqual(seen)
  })

  it('S276: a remote edit made after the undo stays, and a later undo does not overwrite it', () => {
    const s = setup()
    const { a, b, undo } = s
    const { id, seen } = editedThenRaced(s)
    s.reclaim(a, b)
    undo.undo()
    s.sync(a, b)
    b.setCell(id, 'title', 'after the undo')
    s.sync(b, a)
    expect(a.getRow(id)).toEqual({ ...seen, title: 'after the undo' })
    // Undoing a's edit of the title: b's later edit of it stays (Yjs's rule, S44); n goes back.
    undo.undo()
    expect(a.getRow(id)).toEqual({ id, title: 'after the undo', n: 1 })
  })

  it('S276: undoing an edit leaves a remote edit made on top of it', () => {
    const s = setup()
    const { a, b, undo } = s
    const id = a.insertRow({ title: 'first' })
    a.setCell(id, 'title', 'mine')
    s.sync(a, b)
    b.setCell(id, 'title', 'theirs')
    s.sync(b, a)
    s.reclaim(a, b)
    // No write-back over b's value: the cell's override is b's. Nothing of a's edit is left to
    // undo, so Yjs goes on to the step before it (the insert), as it did before S276.
    undo.undo()
    expect(a.hasRow(id)).toBe(false)
    undo.redo()
    expect(a.getCell(id, 'title')).toBe('theirs')
  })

  it('S276: a row someone else re-created with the same id stays theirs', () => {
    const s = setup()
    const { a, b, undo } = s
    const id = a.insertRow({ title: 'first' })
    a.setCell(id, 'n', 3)
    a.deleteRow(id)
    s.sync(a, b)
    b.insertRow({ title: 'new life' }, { id })
    s.sync(b, a)
    s.reclaim(a, b)
    undo.undo()
    expect(a.getRow(id)).toEqual({ id, title: 'new life', n: 0 })
  })

  it('S276: edits grouped by captureTimeoutMs are undone to the group start, after a reclaim', () => {
    const s = setup(60_000)
    const { a, b, undo } = s
    // Inserted by b, so a's group holds only a's edits of it.
    const id = b.insertRow({ title: 'from b', n: 1 })
    s.sync(b, a)
    a.setCell(id, 'title', 'one')
    a.setCell(id, 'title', 'two')
    a.setCell(id, 'n', 7)
    s.sync(a, b)
    b.setCell(id, 'n', 8)
    a.deleteRow(id)
    s.sync(a, b, a)
    expect(s.reclaim(a, b)).toBe(1)
    expect(undo.undo()).toBe(true)
    expect(a.getRow(id)).toEqual({ id, title: 'from b', n: 1 })
    expect(undo.canUndo).toBe(false)
    expect(undo.redo()).toBe(true)
    expect(a.hasRow(id)).toBe(false)
    s.sync(a, b)
    expect(b.hasRow(id)).toBe(false)
  })

  it('S277: an offline undo keeps the row as read before the delete when a concurrent edit, reclaimed or not, arrives later', () => {
    // Yjs orders a restored override and a concurrent write of the same key by client id:
    // both orders are checked.
    for (const clients of [
      [1, 2],
      [2, 1],
    ] as [number, number][]) {
      for (const isReclaimed of [true, false]) offlineUndo(clients, isReclaimed)
    }
  })

  it('S277: a row an undo deleted and redo brought back keeps its cells when a concurrent edit arrives after the redo', () => {
    const s = setup(0, [1, 2])
    const { a, b, undo } = s
    const id = a.insertRow({ title: 'v0', n: 0 })
    s.sync(a, b)
    undo.undo()
    b.setCell(id, 'title', 'b0')
    s.sync(b)
    undo.redo()
    expect(a.getRow(id)).toEqual({ id, title: 'v0', n: 0 })
    s.sync(a)
    expect(a.getRow(id)).toEqual({ id, title: 'v0', n: 0 })
  })

  it('S277: after the restore, undoing the edit too keeps the first value when the concurrent edit arrives late', () => {
    // The property test's counterexample: edit, delete, b's stale edit, undo, undo, then sync.
    const s = setup(0, [1, 2])
    const { a, b, undo } = s
    const id = a.insertRow({ title: 'v0' })
    a.setCell(id, 'title', 'e0')
    s.sync(a, b)
    a.deleteRow(id)
    b.setCell(id, 'title', 'b0')
    s.sync(a, b)
    undo.undo()
    undo.undo()
    expect(a.getRow(id)).toEqual({ id, title: 'v0', n: 0 })
    s.sync(a)
    expect(a.getRow(id)).toEqual({ id, title: 'v0', n: 0 })
  })

  it('S128: undoing the insert that registered a shape leaves the shape, and redo reads through it', () => {
    const { a, undo } = setup()
    const shapes = tableMaps(a.doc).shapes
    const id = a.insertRow({ title: 'x', n: 1 })
    const registered = [...shapes.entries()]
    expect(registered).toHaveLength(1)
    undo.undo()
    expect(a.hasRow(id)).toBe(false)
    expect([...shapes.entries()]).toEqual(registered)
    undo.redo()
    expect(a.getRow(id)).toEqual({ id, title: 'x', n: 1 })
  })

  it('S44: an undo is one change event; with nothing to undo it changes nothing and keeps redo', () => {
    const s = setup()
    const { a, undo } = s
    const id = a.insertRow({ title: 'x' })
    let changes = 0
    undo.on('change', () => changes++)
    expect(undo.undo()).toBe(true)
    expect(changes).toBe(1)
    expect(undo.undo()).toBe(false)
    expect(undo.canRedo).toBe(true)
    expect(undo.redo()).toBe(true)
    expect(a.getRow(id)).toEqual({ id, title: 'x', n: 0 })
    expect(undo.redo()).toBe(false)
    expect(undo.canUndo).toBe(true)
  })
})

/** S277's case: a deletes, b edits concurrently, a undoes offline, then they sync. */
function offlineUndo(clients: [number, number], isReclaimed: boolean): void {
  const s = setup(0, clients)
  const { a, b, undo } = s
  const id = a.insertRow({ title: 'first', n: 1 })
  a.setCell(id, 'title', 'edited')
  a.moveRow(id, { before: a.insertRow({ title: 'other' }) })
  s.sync(a, b)
  const seen = a.listRows()
  a.deleteRow(id)
  s.sync(a)
  // b has not seen the delete: its edit and move are concurrent with it.
  b.setCell(id, 'title', 'by b')
  b.setCell(id, 'n', 5)
  b.moveRow(id, { after: b.listRows().at(-1)!.id })
  s.sync(b)
  if (isReclaimed) expect(s.reclaim()).toBe(3)
  // a, offline, undoes the delete; then its updates and the server's cross.
  expect(undo.undo()).toBe(true)
  expect(a.listRows()).toEqual(seen)
  s.sync(a)
  expect(a.listRows()).toEqual(seen)
  // a's write-back of what arrived reaches b like any edit.
  s.sync(a, b)
  expect(b.listRows()).toEqual(seen)
  // A later edit by b, made after it saw the undo, stays.
  b.setCell(id, 'title', 'later by b')
  s.sync(b, a)
  expect(a.getCell(id, 'title')).toBe('later by b')
  expect(undo.canRedo).toBe(true)
}
