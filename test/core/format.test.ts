// Data format 2 beside format 1 (S127): a document written by tessera before format 2
// (test/fixtures/format-1-table.*, written by main at 0d074a2) opens as it was written, its rows
// keep their format when edited, new rows are packed, and replicas of both formats converge.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createTable } from '../../src/index.js'
import { formatVersion } from '../../src/layout.js'
import { writeRawOverride } from '../helpers/raw-cells.js'

const fixtures = join(import.meta.dirname, '..', 'fixtures')
const formatOne = new Uint8Array(readFileSync(join(fixtures, 'format-1-table.update')))
const expected = JSON.parse(readFileSync(join(fixtures, 'format-1-table.json'), 'utf8')) as {
  columns: unknown[]
  rows: { id: string }[]
}

const open = (update: Uint8Array = formatOne) => {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, update)
  return createTable({ doc })
}

describe('data formats', () => {
  it('S127: a document of data format 1 opens with the rows, order and schema it was written with', () => {
    const table = open()
    expect(table.doc.getMap('meta').get('formatVersion')).toBe(1)
    expect({ columns: table.columns(), rows: table.listRows() }).toEqual(expected)
  })

  it('S127: format 1 rows are edited in format 1; new rows are packed and raise the format version', () => {
    const table = open()
    table.setCell('r1', 'amount', 7)
    table.moveRow('r5', { before: 'r4' })
    expect(table.doc.getMap('meta').get('formatVersion')).toBe(1)
    expect(table.doc.getMap('cells').get('r1\u0000amount')).toEqual([expect.any(Number), 7])
    expect(table.doc.getMap('o').size).toBe(0)
    const id = table.insertRow({ name: 'new', amount: 3 }, { after: 'r2' })
    expect(table.doc.getMap('rows').get(id)).toEqual({
      s: expect.any(Number),
      i: expect.any(String),
      p: expect.any(String),
      b: expect.any(Number),
    })
    expect(table.doc.getMap('meta').get('formatVersion')).toBe(formatVersion)
    table.setCell(id, 'done', true)
    table.deleteRow('r2')
    const reopened = open(Y.encodeStateAsUpdate(table.doc))
    expect(reopened.listRows()).toEqual(table.listRows())
    expect(reopened.listRows().map((row) => row.id)).toEqual(['r5', 'r4', 'r1', id])
    expect(reopened.getRow(id)).toMatchObject({ name: 'new', amount: 3, done: true })
  })

  it('S127: edits from a format 1 writer and a format 2 writer made concurrently converge', () => {
    const today = open()
    const older = open()
    // The older writer's edits, as format 1 code writes them (cells: [incarnation, value]).
    writeRawOverride(older.doc, 'r1', 'amount', 5)
    writeRawOverride(older.doc, 'r2', 'done', false)
    older.doc.getMap('rows').set('r8', { i: 1, p: 'b0', c: { title: 'from format 1' } })
    today.setCell('r1', 'due', '2027-01-01T00:00:00.000Z')
    const id = today.insertRow({ name: 'from format 2' })
    today.deleteRow('r5')
    Y.applyUpdate(today.doc, Y.encodeStateAsUpdate(older.doc))
    Y.applyUpdate(older.doc, Y.encodeStateAsUpdate(today.doc))
    expect(today.listRows()).toEqual(older.listRows())
    expect(today.getRow('r1')).toMatchObject({ amount: 5, due: '2027-01-01T00:00:00.000Z' })
    expect(today.getRow('r8')).toMatchObject({ name: 'from format 1' })
    expect(today.getRow(id)).toMatchObject({ name: 'from format 2' })
    expect(today.hasRow('r5')).toBe(false)
  })

  it('S127: a reader refuses a document of a newer format instead of misreading it', () => {
    const doc = new Y.Doc()
    doc.getMap('meta').set('formatVersion', formatVersion + 1)
    expect(() => createTable({ doc })).toThrow(/newer than this version/)
  })
})
