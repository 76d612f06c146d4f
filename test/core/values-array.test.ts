// Data format 3's values array primitives (src/values-array.ts): a row value's parts, values read
// by Yjs id across items and from another doc, and deletes in runs that leave other types alone.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { incarnationOf } from '../../src/incarnation.js'
import {
  deleteValues,
  readValue,
  readValues,
  valuesOf,
  valuesRow,
  valuesRowOf,
} from '../../src/values-array.js'
import { writeRawFormatThreeRows } from '../helpers/raw-format-three.js'

/** A doc whose client 7 appended `batches` items of values 0, 1, 2, … to `v`. */
function docWithValues(batches: number[][]): Y.Doc {
  const doc = new Y.Doc()
  doc.clientID = 7
  for (const batch of batches) doc.transact(() => valuesOf(doc).push(batch))
  return doc
}

describe('valuesRowOf', () => {
  it('decodes a row value and locates its first values behind its incarnation', () => {
    const inc = incarnationOf(7, 40)
    expect(valuesRowOf(valuesRow(2, inc, 'a0', 30))).toEqual({
      shape: 2,
      inc,
      position: 'a0',
      client: 7,
      clock: 10,
    })
  })

  it('refuses what is not a format 3 row (S19)', () => {
    const inc = incarnationOf(7, 40)
    for (const value of [
      [2, inc, 'a0', 30], // format 2
      valuesRow(-1, inc, 'a0', 1), // a negative shape number
      valuesRow(1, inc, 'a0', 41), // values before clock 0
      valuesRow(1, inc, 'a0', 0), // values at the row's own item
      valuesRow(1, inc, 'a0', 1.5),
      valuesRow(1, 'x', 'a0', 1),
      { s: 1, i: inc, p: 5, b: 1 },
      { s: 1, i: inc, p: 'a0', b: 1, c: {} }, // a fifth key
      { s: 1, i: inc, p: 'a0' },
      { i: 1, p: 'a0', c: {} }, // format 1
      undefined,
    ])
      expect(valuesRowOf(value)).toBeUndefined()
  })
})

describe('readValues', () => {
  it('reads a range across items, and from a doc that received them', () => {
    const doc = docWithValues([
      [0, 1, 2],
      [3, 4],
    ])
    expect(readValues(valuesOf(doc), 7, 1, 4)).toEqual([1, 2, 3, 4])
    const other = new Y.Doc()
    Y.applyUpdateV2(other, Y.encodeStateAsUpdateV2(doc))
    expect(readValues(valuesOf(other), 7, 0, 5)).toEqual([0, 1, 2, 3, 4])
  })

  it('is undefined while some clock has not arrived', () => {
    const doc = docWithValues([[0, 1]])
    expect(readValues(valuesOf(doc), 7, 1, 2)).toBeUndefined()
    expect(readValues(valuesOf(doc), 8, 0, 1)).toBeUndefined()
  })

  it('reads values of other types, and deleted ones, as undefined', () => {
    const doc = docWithValues([[0, 1]])
    doc.transact(() => doc.getMap('rows').set('r', 'x'))
    valuesOf(doc).delete(0, 1)
    expect(readValues(valuesOf(doc), 7, 0, 3)).toEqual([undefined, 1, undefined])
    expect(readValue(valuesOf(doc), 7, 1)).toBe(1)
  })
})

describe('deleteValues', () => {
  it('deletes runs and keeps the neighbours readable', () => {
    const doc = docWithValues([[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]])
    const values = valuesOf(doc)
    let deleted = 0
    doc.transact((transaction) => (deleted = deleteValues(transaction, values, 7, [2, 3, 4, 8])))
    expect(deleted).toBe(4)
    expect(values.toArray()).toEqual([0, 1, 5, 6, 7, 9])
    expect(readValues(values, 7, 0, 10)).toEqual([
      0,
      1,
      undefined,
      undefined,
      undefined,
      5,
      6,
      7,
      undefined,
      9,
    ])
    const other = new Y.Doc()
    Y.applyUpdateV2(other, Y.encodeStateAsUpdateV2(doc))
    expect(valuesOf(other).toArray()).toEqual([0, 1, 5, 6, 7, 9])
  })

  it('leaves structs outside the values array, unknown clocks and deleted values alone', () => {
    const doc = docWithValues([[0, 1]])
    doc.transact(() => doc.getMap('rows').set('r', 'kept'))
    const values = valuesOf(doc)
    values.delete(0, 1)
    let deleted = 0
    doc.transact(
      (transaction) => (deleted = deleteValues(transaction, values, 7, [0, 1, 2, 3, 99])),
    )
    expect(deleted).toBe(1)
    expect(doc.getMap('rows').get('r')).toBe('kept')
    expect(values.length).toBe(0)
  })
})

describe('writeRawFormatThreeRows (test helper)', () => {
  it('writes rows that name their own first values', () => {
    const doc = new Y.Doc()
    writeRawFormatThreeRows(
      doc,
      ['a', 'b'],
      [
        { id: 'r1', cells: [1, 'x'] },
        { id: 'r2', cells: [2, 'y'] },
      ],
    )
    const rows = doc.getMap('rows')
    for (const [id, cells] of [
      ['r1', [1, 'x']],
      ['r2', [2, 'y']],
    ] as const) {
      const parts = valuesRowOf(rows.get(id))!
      expect(readValues(valuesOf(doc), parts.client, parts.clock, 2)).toEqual(cells)
    }
    expect(doc.getMap('meta').get('formatVersion')).toBe(3)
  })
})
