// S220: the SQLite audit log of layout 3 (records per turn and table, the row and table index
// built in chunks later) answers exactly as the reference log, indexed or not, and prunes exactly.
import { join } from 'node:path'
import Database from 'better-sqlite3'
import fc from 'fast-check'
import { expect, it, onTestFinished } from 'vitest'
import {
  createSqliteAuditLog,
  createSqliteAuditLogOn,
} from '../../server/adapters/sqlite-audit-log.js'
import { openSqlite } from '../../server/adapters/sqlite-database.js'
import type { AuditLog, AuditRecord } from '../../server/ports/audit-log.js'
import { createMemoryAuditLog } from '../../server/ports/memory-audit-log.js'
import { tempDir } from '../helpers/temp-dir.js'
import { waitFor } from '../helpers/wait-for.js'

const tables = ['t0', 't1', 't2']
const rowIds = ['r0', 'r1', '', 'r3']

const record = (table: string, rowId: string, atMs: number): AuditRecord => ({
  table,
  rowId,
  action: 'update',
  columns: ['c'],
  userId: 'u',
  atMs,
})

const opened = (log: AuditLog): AuditLog => {
  onTestFinished(() => log.close())
  return log
}

/** Every read of `log`: each row's history, each table's list from a few seqs, the whole list. */
async function readAll(log: AuditLog, limit: number) {
  const reads: unknown[] = []
  for (const table of tables) {
    for (const rowId of rowIds) reads.push(await log.history(table, rowId, limit))
    for (const after of [0, 3, 8]) reads.push(await log.list(after, limit, table))
  }
  for (const after of [0, 2, 5, 11]) reads.push(await log.list(after, limit))
  return reads
}

const command = fc.oneof(
  fc.record({
    append: fc.array(
      fc.tuple(
        fc.constantFrom(...tables),
        fc.constantFrom(...rowIds),
        fc.integer({ min: 0, max: 50 }),
      ),
      { maxLength: 6 },
    ),
  }),
  fc.record({ prune: fc.integer({ min: 0, max: 50 }) }),
)

it('S220: history, list and prune answer as the reference log, read through the index or past it', async () => {
  const dir = tempDir()
  let run = 0
  await fc.assert(
    fc.asyncProperty(
      fc.array(command, { maxLength: 12 }),
      fc.integer({ min: 1, max: 5 }),
      async (commands, limit) => {
        run++
        const reference = createMemoryAuditLog()
        const indexed = createSqliteAuditLog({ path: join(dir, `i${run}.db`), indexAfterMs: 0 })
        const unindexed = createSqliteAuditLog({ path: join(dir, `u${run}.db`) })
        try {
          for (const step of commands) {
            if ('append' in step) {
              const records = step.append.map(([t, r, at]) => record(t, r, at))
              await Promise.all([reference, indexed, unindexed].map((log) => log.append(records)))
            } else {
              const counts = await Promise.all(
                [reference, indexed, unindexed].map((log) => log.prune(step.prune)),
              )
              expect(new Set(counts).size).toBe(1)
            }
          }
          const expected = await readAll(reference, limit)
          expect(await readAll(indexed, limit)).toEqual(expected)
          expect(await readAll(unindexed, limit)).toEqual(expected)
        } finally {
          await Promise.all([indexed.close(), unindexed.close()])
        }
      },
    ),
    { numRuns: 40 },
  )
})

it('S220: the index catches up in the background, in chunks of one entry per row, and reads answer the same before and after', async () => {
  const path = join(tempDir(), 'tessera.db')
  const log = opened(createSqliteAuditLog({ path, indexAfterMs: 20 }))
  const other = new Database(path, { readonly: true })
  onTestFinished(() => {
    other.close()
  })
  const count = (sql: string) => other.prepare(sql).pluck().get() as number
  const indexed = () => count('SELECT coalesce(max(last_key), 0) FROM audit_chunks')
  // One append per record, so one row each.
  const append = (from: number, to: number) =>
    Promise.all(
      Array.from({ length: to - from }, (_, n) =>
        log.append([record(tables[(from + n) % 3]!, rowIds[(from + n) % 4]!, from + n)]),
      ),
    )
  await append(0, 2300)
  const before = await readAll(log, 10_000)
  await waitFor(() => indexed() === 2300, { what: 'the index to catch up' })
  expect(await readAll(log, 10_000)).toEqual(before)
  await append(2300, 2400)
  const more = await readAll(log, 10_000)
  await waitFor(() => indexed() === 2400, { what: 'the index to catch up again' })
  expect(await readAll(log, 10_000)).toEqual(more)
  expect(await log.history('t1', 'r1', 3)).toMatchObject([{ atMs: 1 }, { atMs: 13 }, { atMs: 25 }])
  // Row r0 of t0 has a record in every 12th row (200 of them): one entry per chunk, not per record.
  const chunks = count('SELECT count(*) FROM audit_chunks')
  expect(chunks).toBeGreaterThanOrEqual(2)
  const entries = count(
    "SELECT count(*) FROM audit_row_chunks WHERE table_name = 't0' AND row_id = 'r0'",
  )
  expect(entries).toBe(chunks)
})

it('S220: one turn of one table is one row; pruning part of it keeps the rest and its seqs, and seqs are never reused', async () => {
  const path = join(tempDir(), 'tessera.db')
  const log = opened(createSqliteAuditLog({ path, indexAfterMs: 0 }))
  await log.append([record('t0', 'r0', 100), record('t0', 'r1', 300), record('t1', 'r0', 100)])
  const other = new Database(path, { readonly: true })
  onTestFinished(() => {
    other.close()
  })
  const rows = () => other.prepare('SELECT last_seq, table_name FROM audit_turns').all()
  expect(rows()).toEqual([
    { last_seq: 2, table_name: 't0' },
    { last_seq: 3, table_name: 't1' },
  ])
  expect(await log.prune(200)).toBe(2)
  expect(await log.list(0, 10)).toMatchObject([{ seq: 2, rowId: 'r1', atMs: 300 }])
  expect(await log.prune(400)).toBe(1)
  expect(other.prepare('SELECT count(*) FROM audit_row_chunks').pluck().get()).toBe(0)
  await log.append([record('t0', 'r0', 500)])
  expect(await log.list(0, 10)).toMatchObject([{ seq: 4 }])
})

it('an audit log on a database without the audit tables is refused with STORAGE_FAILURE (open it as a store first)', () => {
  const database = openSqlite({
    path: join(tempDir(), 'bare.db'),
    synchronous: 'normal',
    schema: '',
  })
  onTestFinished(() => database.close())
  expect(() => createSqliteAuditLogOn(database)).toThrow(
    expect.objectContaining({ code: 'STORAGE_FAILURE' }),
  )
})
