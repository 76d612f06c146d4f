// Format 3's dead first values reclaimed (S291–S293): values no live row reads are deleted, in
// bounded pieces, and no value that a row may read is, whatever happens between the pieces.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createTable } from '../../src/index.js'
import { restoreFrom } from '../../src/internal.js'
import { tableMaps } from '../../src/layout.js'
import { reclaimDeadOverrides } from '../../src/reclaim.js'
import { deleteValues, valuesOf } from '../../src/values-array.js'
import { createValuesReclaim, type ValuesReclaim } from '../../src/values-reclaim.js'
import { formatThreeCells, liveValues, writeFormatThreeCell } from '../helpers/format-three-read.js'
import { writeRawFormatThreeRows, type RawRow } from '../helpers/raw-format-three.js'

const columns = ['title', 'n', 'done']
const rowsOf = (count: number, from = 0, tag = 'first'): RawRow[] =>
  Array.from({ length: count }, (_, index) => ({
    id: `row-${from + index}`,
    cells: [`${tag} ${from + index}`, from + index, (from + index) % 2 === 0],
  }))

/** Runs pieces until the cycle ends (at most `limit`); returns how many values went. */
function runCycle(reclaim: ValuesReclaim, limit = 1000): number {
  let deleted = reclaim.step('reclaim')
  for (let piece = 1; reclaim.isRunning && piece < limit; piece++)
    deleted += reclaim.step('reclaim')
  expect(reclaim.isRunning).toBe(false)
  return deleted
}

const sync = (from: Y.Doc, to: Y.Doc): void => {
  Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)))
}

describe('reclaiming first values (format 3)', () => {
  it('S291: shadowed values, values of dead lives and values no row names are deleted; every replica reads what it read', () => {
    const doc = new Y.Doc()
    const peer = new Y.Doc()
    const incs = writeRawFormatThreeRows(doc, columns, rowsOf(10))
    writeFormatThreeCell(doc, incs[0]!, 0, 'edited 0')
    writeFormatThreeCell(doc, incs[0]!, 1, 100)
    writeFormatThreeCell(doc, incs[0]!, 2, true)
    writeFormatThreeCell(doc, incs[1]!, 1, 101)
    tableMaps(doc).rows.delete('row-2')
    writeRawFormatThreeRows(doc, columns, [{ id: 'row-3', cells: ['second life', 3, true] }])
    valuesOf(doc).push(['named by no row', 1, 2])
    sync(doc, peer)
    const shown = formatThreeCells(doc)
    expect(liveValues(doc)).toBe(36)
    const dead = 3 + 1 + 3 + 3 + 3
    expect(runCycle(createValuesReclaim(doc))).toBe(dead)
    sync(doc, peer)
    for (const replica of [doc, peer]) {
      expect(formatThreeCells(replica)).toEqual(shown)
      expect(liveValues(replica)).toBe(36 - dead)
    }
    // Idempotent: a second cycle finds nothing.
    expect(runCycle(createValuesReclaim(doc))).toBe(0)
  })

  it('S292: a cycle is cut into pieces of bounded work, and ends as one piece would', () => {
    const [doc, whole] = [new Y.Doc(), new Y.Doc()]
    const incs: string[] = []
    for (let batch = 0; batch < 10; batch++)
      incs.push(...writeRawFormatThreeRows(doc, columns, rowsOf(100, batch * 100)))
    incs.forEach((inc, index) => {
      if (index % 3 === 0) writeFormatThreeCell(doc, inc, index % 3, `edited ${index}`)
    })
    sync(doc, whole)
    const shown = formatThreeCells(doc)
    const reclaim = createValuesReclaim(doc, { pieceUnits: 200 })
    let pieces = 0
    let deleted = 0
    do {
      deleted += reclaim.step('reclaim')
      pieces++
    } while (reclaim.isRunning)
    expect(pieces).toBeGreaterThan(10)
    expect(deleted).toBe(334)
    expect(runCycle(createValuesReclaim(whole))).toBe(deleted)
    expect(formatThreeCells(doc)).toEqual(shown)
    expect(valuesOf(doc).toArray()).toEqual(valuesOf(whole).toArray())
  })

  it('S292: runs deleted over several cycles leave the structs that Yjs deleting them itself leaves', () => {
    const [doc, plain] = [new Y.Doc(), new Y.Doc()]
    const incs = writeRawFormatThreeRows(doc, columns, rowsOf(200))
    for (const slot of [1, 0, 2]) {
      incs.forEach((inc, index) => {
        if (index % 7 !== slot) writeFormatThreeCell(doc, inc, slot, `edited ${slot}`)
      })
      sync(doc, plain)
      expect(runCycle(createValuesReclaim(doc, { pieceUnits: 300 }))).toBeGreaterThan(0)
      // The same values deleted by Yjs alone, run by run, and cleaned up by Yjs.
      plain.transact((transaction) => {
        const clocks = Array.from({ length: Y.getState(doc.store, doc.clientID) }, (_, at) => at)
        const dead = clocks.filter((clock) => isDeletedIn(doc, clock))
        deleteValues(transaction, valuesOf(plain), doc.clientID, dead)
      })
      expect(structsOf(doc, doc.clientID)).toEqual(structsOf(plain, doc.clientID))
    }
    const copy = new Y.Doc()
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc))
    expect(formatThreeCells(copy)).toEqual(formatThreeCells(doc))
    expect(liveValues(copy)).toBe(3 * 29)
  })

  it('S293: an override deleted, a row brought back, or rows written between the pieces keep every value they read', () => {
    const doc = new Y.Doc()
    const incs = writeRawFormatThreeRows(doc, columns, rowsOf(300))
    incs.forEach((inc) => writeFormatThreeCell(doc, inc, 0, 'edited'))
    const undo = new Y.UndoManager(tableMaps(doc).rows)
    tableMaps(doc).rows.delete('row-299')
    undo.stopCapturing()
    writeFormatThreeCell(doc, incs[298]!, 1, 'edited too')
    const reclaim = createValuesReclaim(doc, { pieceUnits: 100 })
    reclaim.step('reclaim')
    expect(reclaim.isRunning).toBe(true)
    // Between the pieces: an edit taken back, a deleted row brought back (a Yjs undo), more rows.
    tableMaps(doc).overrides.delete(String.fromCharCode(1) + incs[0]!)
    tableMaps(doc).overrides.delete(String.fromCharCode(2) + incs[298]!)
    undo.undo()
    writeRawFormatThreeRows(doc, columns, rowsOf(5, 300))
    const shown = formatThreeCells(doc)
    expect(shown['row-0']![0]).toBe('first 0')
    expect(shown['row-299']).toEqual(['edited', 299, false])
    runCycle(reclaim)
    expect(formatThreeCells(doc)).toEqual(shown)
    // Everything no row reads went: the title of rows 1 to 298, and nothing else.
    expect(liveValues(doc)).toBe(305 * 3 - 298)
  })

  it('S293: values whose row Yjs holds pending are kept until the row arrives', () => {
    const [other, writer, server] = [new Y.Doc(), new Y.Doc(), new Y.Doc()]
    tableMaps(other).rows.set('late', 'an older value of the key')
    sync(other, writer)
    writeRawFormatThreeRows(writer, columns, [
      { id: 'late', cells: ['pending', 1, true] },
      { id: 'now', cells: ['here', 2, false] },
    ])
    writeFormatThreeCell(writer, formatThreeIncOf(writer, 'now'), 0, 'edited')
    // The server lacks the key's older item: the row `late` (and what follows it) waits.
    Y.applyUpdate(server, Y.encodeStateAsUpdate(writer, Y.encodeStateVector(other)))
    expect(server.store.pendingStructs).not.toBeNull()
    expect(liveValues(server)).toBe(6)
    runCycle(createValuesReclaim(server))
    expect(liveValues(server)).toBe(6)
    sync(other, server)
    expect(server.store.pendingStructs).toBeNull()
    expect(formatThreeCells(server)).toEqual({
      late: ['pending', 1, true],
      now: ['edited', 2, false],
    })
    expect(runCycle(createValuesReclaim(server))).toBe(1)
    expect(formatThreeCells(server)).toEqual(formatThreeCells(writer))
  })

  it('S293: the values of a row whose shape is unknown here are kept', () => {
    const [writer, server] = [new Y.Doc(), new Y.Doc()]
    writeRawFormatThreeRows(writer, columns, rowsOf(2))
    valuesOf(writer).push(['named by no row'])
    Y.applyUpdate(server, Y.encodeStateAsUpdate(writer))
    tableMaps(server).shapes.clear()
    expect(runCycle(createValuesReclaim(server))).toBe(0)
    expect(liveValues(server)).toBe(7)
  })

  it('S293: restoring a format 3 cell to its first value writes the value, so its reclaim changes nothing', () => {
    const table = createTable({ columns: [{ name: 'title', type: 'string' }] })
    const ids = table.columns().map((column) => column.id)
    writeRawFormatThreeRows(table.doc, ids, [{ id: 'r', cells: ['first'] }])
    const past = new Y.Doc()
    Y.applyUpdate(past, Y.encodeStateAsUpdate(table.doc))
    table.setCell('r', 'title', 'edited')
    expect(runCycle(createValuesReclaim(table.doc))).toBe(1)
    restoreFrom(table, past, Date.now(), { rows: ['r'] })
    expect(table.getCell('r', 'title')).toBe('first')
    runCycle(createValuesReclaim(table.doc))
    expect(table.getCell('r', 'title')).toBe('first')
  })

  it('S129: the overrides of a live format 3 life are kept, those of its dead lives reclaimed', () => {
    const doc = new Y.Doc()
    const [live, gone] = writeRawFormatThreeRows(doc, columns, rowsOf(2))
    writeFormatThreeCell(doc, live!, 0, 'kept')
    writeFormatThreeCell(doc, gone!, 0, 'dead')
    tableMaps(doc).rows.delete('row-1')
    expect(reclaimDeadOverrides(tableMaps(doc), 'reclaim')).toBe(1)
    expect([...tableMaps(doc).overrides.values()]).toEqual(['kept'])
  })

  it('S292: a table without first values is left alone at no cost', () => {
    const doc = new Y.Doc()
    tableMaps(doc).rows.set('format 2', [0, 'x', 'a0'])
    const reclaim = createValuesReclaim(doc)
    expect(reclaim.step('reclaim')).toBe(0)
    expect(reclaim.isRunning).toBe(false)
  })
})

/** Each struct of `client` in `doc`: its first clock, length and whether it is deleted. */
const structsOf = (doc: Y.Doc, client: number): [number, number, boolean][] =>
  doc.store.clients.get(client)!.map((struct) => [struct.id.clock, struct.length, struct.deleted])

const isDeletedIn = (doc: Y.Doc, clock: number): boolean =>
  Y.getItem(doc.store, Y.createID(doc.clientID, clock)).deleted

/** The incarnation of the format 3 row `id` of `doc`. */
function formatThreeIncOf(doc: Y.Doc, id: string): string {
  return (tableMaps(doc).rows.get(id) as { i: string }).i
}
