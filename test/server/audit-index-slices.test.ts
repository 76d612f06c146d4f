// S266: the background audit index (server/adapters/sqlite-audit-indexer.ts) indexes at most
// `sliceRows` (250) rows in one turn of the event loop, one slice per turn, so it never holds the
// loop for long, and it goes on until it has caught up.
import Database from 'better-sqlite3'
import { expect, it, onTestFinished } from 'vitest'
import type { AuditIndex } from '../../server/adapters/sqlite-audit-index.js'
import { createBackgroundIndexer, sliceRows } from '../../server/adapters/sqlite-audit-indexer.js'
import { waitFor } from '../helpers/wait-for.js'

it('S266: the audit index is built 250 rows at most per turn of the event loop', async () => {
  const db = new Database(':memory:')
  onTestFinished(() => {
    db.close()
  })
  const pending = 1000
  let indexed = 0
  let closedThrough = 0
  // Turns of the event loop, counted by a chain of immediates running beside the indexer.
  let turn = 0
  let isCounting = true
  const count = (): void => {
    turn++
    if (isCounting) setImmediate(count)
  }
  setImmediate(count)
  const slices: { rows: number; turn: number }[] = []
  const index = {
    indexedThrough: () => closedThrough,
    indexSlice: (_chunk: number, after: number, maxRows: number) => {
      const rows = Math.min(maxRows, pending - after)
      slices.push({ rows: maxRows, turn })
      indexed = after + rows
      return { rows, last: indexed }
    },
    closeChunk: (_first: number, last: number) => {
      closedThrough = last
    },
  } as unknown as AuditIndex
  const indexer = createBackgroundIndexer(db, index, 0)
  indexer.wake()
  await waitFor(() => closedThrough === pending, { what: 'the index to catch up' })
  isCounting = false
  indexer.close()
  expect(sliceRows).toBe(250)
  expect(slices.every((slice) => slice.rows <= sliceRows)).toBe(true)
  expect(slices.length).toBeGreaterThanOrEqual(pending / sliceRows)
  // One slice per turn: no two slices in the same turn.
  expect(new Set(slices.map((slice) => slice.turn)).size).toBe(slices.length)
})
