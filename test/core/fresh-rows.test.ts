// The list of inserted rows waiting for the row index (src/fresh-rows.ts): single rows and whole
// batches kept in insert order, listed from any point, drained with the running transaction's
// rows told apart.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createFreshRows } from '../../src/fresh-rows.js'
import type { RowId } from '../../src/ids.js'
import { incarnationOf } from '../../src/incarnation.js'
import { tableMaps } from '../../src/layout.js'
import { createRowShapes } from '../../src/row-shapes.js'

/** Fresh rows over a doc whose client registered one shape; `packed` makes a row of it. */
function setup() {
  const doc = new Y.Doc()
  const shapes = createRowShapes(tableMaps(doc))
  let number = -1
  doc.transact(() => {
    number = shapes.numberFor(doc.clientID, ['c1' as never])
  })
  const inc = (clock: number) => incarnationOf(doc.clientID, clock)
  const packed = (clock: number) => [number, inc(clock), `a${clock}`, clock]
  return { rows: createFreshRows(shapes), inc, packed }
}

describe('fresh rows', () => {
  it('keeps single rows and batches in insert order and lists them from any point', () => {
    const { rows, packed } = setup()
    rows.push('a' as RowId, packed(1))
    rows.pushAll(['b', 'c'] as RowId[], [packed(2), packed(3)])
    rows.push('d' as RowId, packed(4))
    rows.push('e' as RowId, packed(5))
    expect(rows.size).toBe(5)
    expect(rows.idsFrom(0)).toEqual(['a', 'b', 'c', 'd', 'e'])
    expect(rows.idsFrom(2)).toEqual(['c', 'd', 'e'])
    expect(rows.idsFrom(5)).toEqual([])
  })

  it('an empty batch adds nothing, and a batch alone is listed as its own array', () => {
    const { rows, packed } = setup()
    rows.pushAll([], [])
    expect(rows.size).toBe(0)
    const ids = ['a', 'b'] as RowId[]
    rows.pushAll(ids, [packed(1), packed(2)])
    expect(rows.idsFrom(0)).toBe(ids)
  })

  it('drains every row as a state with its shape, telling the current ones apart', () => {
    const { rows, inc, packed } = setup()
    rows.push('a' as RowId, packed(1))
    rows.pushAll(['b', 'c'] as RowId[], [packed(2), packed(3)])
    const taken: unknown[] = []
    rows.drain(1, (state, isCurrent) => {
      taken.push([state.id, state.inc, state.position, isCurrent, state.shape?.ids])
    })
    expect(taken).toEqual([
      ['a', inc(1), 'a1', false, ['c1']],
      ['b', inc(2), 'a2', true, ['c1']],
      ['c', inc(3), 'a3', true, ['c1']],
    ])
    expect(rows.size).toBe(0)
    expect(rows.idsFrom(0)).toEqual([])
  })
})
