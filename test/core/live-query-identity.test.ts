// S119: a live query's row objects stay the same objects until their row changes, so a UI can
// compare them by identity (tessera/react renders only the rows whose object changed).
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createTable } from '../../src/index.js'

const columns = [
  { name: 'title', type: 'string' as const },
  { name: 'n', type: 'number' as const },
]

describe('live query row identity', () => {
  it('S119: a diff gives new objects only to the rows it adds or updates, local or remote', () => {
    const table = createTable({ columns })
    const ids = table.insertRows(Array.from({ length: 50 }, (_, n) => ({ title: `r${n}`, n })))
    const q = table.liveQuery({ orderBy: [['n', 'asc']], limit: 10 })
    const before = q.rows
    table.updateRow(ids[3]!, { title: 'changed' })
    const after = q.rows
    expect(after).not.toBe(before)
    after.forEach((row, index) => {
      if (index === 3) expect(row).not.toBe(before[index])
      else expect(row).toBe(before[index])
    })

    const remote = new Y.Doc()
    Y.applyUpdate(remote, Y.encodeStateAsUpdate(table.doc))
    createTable({ doc: remote }).insertRow({ title: 'new first', n: -1 })
    Y.applyUpdate(table.doc, Y.encodeStateAsUpdate(remote, Y.encodeStateVector(table.doc)))
    expect(q.rows[0]!.title).toBe('new first')
    expect(q.rows.slice(1)).toEqual(after.slice(0, 9))
    q.rows.slice(1).forEach((row, index) => expect(row).toBe(after[index]))
    q.dispose()
  })

  it('S119: after a window move the rows that stay in the window keep their objects', () => {
    const table = createTable({ columns })
    table.insertRows(Array.from({ length: 50 }, (_, n) => ({ title: `r${n}`, n })))
    const q = table.liveQuery({ limit: 10 })
    const before = q.rows
    q.setWindow({ offset: 4, limit: 10 })
    expect(q.rows.map((row) => row.n)).toEqual([4, 5, 6, 7, 8, 9, 10, 11, 12, 13])
    for (let index = 0; index < 6; index++) expect(q.rows[index]).toBe(before[index + 4])
    q.setWindow({ offset: 40, limit: 10 })
    q.setWindow({ offset: 4, limit: 10 })
    expect(q.rows[0]).not.toBe(before[4])
    expect(q.rows[0]).toEqual(before[4])
    q.dispose()
  })
})
