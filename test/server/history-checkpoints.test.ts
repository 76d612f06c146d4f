// S102 on the server's own stores: a compaction decides whether to keep the previous snapshot as
// a checkpoint by comparing bytes as stored on both sides (the log's entries, and the new
// snapshot compressed as the SQLite store keeps it, S185), over a real SQLite file.
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { expect, it, onTestFinished } from 'vitest'
import * as Y from 'yjs'
import { createTable } from '../../src/index.js'
import { createSqliteStore } from '../../server/adapters/sqlite-store.js'
import { compactWithHistory } from '../../server/room-history.js'
import { encodeSnapshot, storedByteLength } from '../../server/snapshot-encoding.js'
import { tempDir } from '../helpers/temp-dir.js'

const day = 24 * 60 * 60 * 1000

/**
 * A table of `rows` rows holding `fill(row)`, then `periods` runs of 20 single-cell edits of
 * `editBytes` random bytes each, compacted after each run as the room does; returns the store
 * and the log bytes each run appended.
 */
async function churn(rows: number, fill: (row: number) => string, editBytes: number) {
  const store = createSqliteStore({ path: join(tempDir(), 'history.db') })
  onTestFinished(() => store.close())
  const doc = new Y.Doc()
  const table = createTable({ doc, columns: [{ name: 'text', type: 'string' }] })
  table.transact(() => {
    for (let row = 0; row < rows; row++) table.insertRow({ text: fill(row) }, { id: `r${row}` })
  })
  let seq = await store.append('t', [{ update: Y.encodeStateAsUpdate(doc), atMs: 1, author: null }])
  const runBytes: number[] = []
  for (let period = 1; period <= 5; period++) {
    let logBytes = 0
    for (let edit = 0; edit < 20; edit++) {
      const vector = Y.encodeStateVector(doc)
      table.setCell('r0', 'text', randomBytes(editBytes / 2).toString('hex'))
      const update = Y.encodeStateAsUpdate(doc, vector)
      logBytes += update.byteLength
      seq = await store.append('t', [{ update, atMs: period, author: null }])
    }
    runBytes.push(logBytes)
    const state = Y.encodeStateAsUpdate(doc)
    const options = { logBytesSinceNewest: logBytes, retentionMs: 30 * day, nowMs: period }
    await compactWithHistory(store, 't', { state, seq, atMs: period }, options)
  }
  return { store, runBytes, stateBytes: Y.encodeStateAsUpdate(doc).byteLength }
}

it('S102: a churned table whose snapshot compresses well keeps a checkpoint at every compaction', async () => {
  // 200 KB of repeated text compresses to a few KB; each run of edits logs about 20 KB.
  const { store, runBytes, stateBytes } = await churn(200, () => 'spreadsheet '.repeat(80), 1000)
  const snapshots = await store.snapshots('t')
  const [stored] = snapshots.slice(-1)
  // Replaying two runs (~40 KB) reads more than the stored snapshot but less than its raw bytes:
  // only a like-for-like comparison keeps the checkpoints.
  expect(stored!.byteLength).toBeLessThan(2 * Math.min(...runBytes))
  expect(stateBytes).toBeGreaterThan(2 * Math.max(...runBytes))
  expect(snapshots.map((info) => info.atMs)).toEqual([1, 2, 3, 4, 5])
})

it('S102: a table whose stored snapshot costs more than the replay has its newest snapshot replaced', async () => {
  // Random text does not compress: the stored snapshot (~60 KB) costs more than two runs of edits.
  const { store, runBytes } = await churn(60, () => randomBytes(500).toString('hex'), 100)
  const snapshots = await store.snapshots('t')
  expect(snapshots.at(-1)!.byteLength).toBeGreaterThan(2 * Math.max(...runBytes))
  expect(snapshots.map((info) => info.atMs)).toEqual([1, 5])
})

it('S102: asking a snapshot’s stored size first costs no second compression', () => {
  const doc = new Y.Doc()
  doc.getMap('m').set('k', 'v'.repeat(1000))
  const snapshot = Y.encodeStateAsUpdate(doc)
  const size = storedByteLength(snapshot)
  const stored = encodeSnapshot(snapshot)
  expect(stored.byteLength).toBe(size)
  expect(encodeSnapshot(snapshot)).toBe(stored)
  expect(size).toBeLessThan(snapshot.byteLength)
})
