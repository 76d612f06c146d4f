// Opening a table on a stored doc (src/row-load.ts): a run of format 3 rows of one writer and
// shape is read with what the run shares checked once, and each row still by S19's rules: a
// malformed value amid the run is left out exactly where a row read alone is.
import { describe, expect, it } from 'vitest'
import type * as Y from 'yjs'
import { createTable } from '../../src/index.js'
import type { RowId } from '../../src/ids.js'
import { tableMaps } from '../../src/layout.js'
import { createRowShapes } from '../../src/row-shapes.js'
import { rowStateOf } from '../../src/stored-row.js'
import type { ValuesRow } from '../../src/values-array.js'

const columns = [
  { name: 'title', type: 'string' as const },
  { name: 'priority', type: 'number' as const, default: 0 },
]

/** A doc with `count` rows `r0`… inserted by a table in one batch (one run of format 3 rows). */
function storedRows(count: number): Y.Doc {
  const table = createTable({ columns })
  table.insertRows(
    Array.from({ length: count }, (_, at) => ({ id: `r${at}`, title: `t${at}`, priority: at })),
  )
  return table.doc
}

describe('opening a table reads its stored rows', () => {
  it('S19, S281: a malformed format 3 value amid a run is no row; the rows around it read', () => {
    const doc = storedRows(40)
    const rows = tableMaps(doc).rows
    const valueOf = (id: string) => rows.get(id) as ValuesRow
    const { i: inc, b: back } = valueOf('r20')
    // Each rewritten in place (a Y.Map keeps a key's place in its order): the run goes on past it.
    const broken: Record<string, unknown> = {
      r3: { ...valueOf('r3'), b: 0 },
      r5: { ...valueOf('r5'), extra: 1 },
      r7: { ...valueOf('r7'), p: 7 },
      r9: { ...valueOf('r9'), i: `${inc.slice(0, 5)}\u0000${inc.slice(5)}` },
      r11: { ...valueOf('r11'), i: `${inc}\u0080` },
      r13: { ...valueOf('r13'), b: 1e9 },
      r15: { ...valueOf('r15'), s: 1 },
      r17: { ...valueOf('r17'), i: `\u007f${inc}` },
      r19: { s: 0, i: inc, p: 'a0', b: back, c: {} },
      r21: [0, inc, 'a0', back],
    }
    doc.transact(() => {
      for (const [id, value] of Object.entries(broken)) rows.set(id, value)
      // A valid value written again reads as before.
      rows.set('r30', { ...valueOf('r30') })
    })

    const table = createTable({ doc })
    const expected = Array.from({ length: 40 }, (_, at) => `r${at}`).filter((id) => !(id in broken))
    expect([...table.rowIds()].sort()).toEqual(expected.sort())
    expect(table.getRow('r4')).toEqual({ id: 'r4', title: 't4', priority: 4 })
    expect(table.getRow('r30')).toEqual({ id: 'r30', title: 't30', priority: 30 })
    expect(table.getRow('r39')).toEqual({ id: 'r39', title: 't39', priority: 39 })
    // Each row read alone gets the same verdict and the same state.
    const maps = tableMaps(doc)
    const shapes = createRowShapes(maps)
    for (const id of rows.keys()) {
      const alone = rowStateOf(maps, shapes, id as RowId, rows.get(id), false)
      expect(alone === undefined ? undefined : id, id).toBe(
        table.getRow(id) === undefined ? undefined : id,
      )
    }
  })

  it('S281: moved rows of a run open at their moved positions', () => {
    const doc = storedRows(10)
    const first = createTable({ doc })
    first.moveRow('r7', { before: 'r0' })
    first.moveRow('r2', { after: 'r9' })
    const table = createTable({ doc })
    expect(table.rowIds()).toEqual(['r7', 'r0', 'r1', 'r3', 'r4', 'r5', 'r6', 'r8', 'r9', 'r2'])
    table.insertRow({ id: 'last', title: 'x' })
    expect(table.rowIds().at(-1)).toBe('last')
  })
})
