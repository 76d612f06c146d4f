// The AuditLog contract: every adapter of the port (memory, SQLite, and later PostgreSQL) runs it.
import { describe, expect, it } from 'vitest'
import type { AuditLog, AuditRecord } from '../../server/ports/audit-log.js'

const record = (
  rowId: string,
  atMs: number,
  overrides: Partial<AuditRecord> = {},
): AuditRecord => ({
  table: 'todos',
  rowId,
  action: 'update',
  columns: ['title'],
  userId: 'ann',
  atMs,
  ...overrides,
})

/** Runs the shared AuditLog contract against `setup`, which returns a fresh, empty log. */
export function runAuditLogContract(name: string, setup: () => Promise<AuditLog> | AuditLog): void {
  describe(`AuditLog contract: ${name}`, () => {
    it('returns a row never written as an empty history', async () => {
      const log = await setup()
      expect(await log.history('todos', 'r1', 10)).toEqual([])
    })

    it('keeps every field of a record, per table and row, oldest first, with growing seq', async () => {
      const log = await setup()
      await log.append([
        record('r1', 1, { action: 'insert', columns: [] }),
        record('r2', 2),
        record('r1', 3, { table: 'other' }),
      ])
      await log.append([record('r1', 4, { userId: null, columns: ['a', 'b'] })])
      const history = await log.history('todos', 'r1', 10)
      expect(history).toMatchObject([
        record('r1', 1, { action: 'insert', columns: [] }),
        record('r1', 4, { userId: null, columns: ['a', 'b'] }),
      ])
      expect(history[0]!.seq).toBeLessThan(history[1]!.seq)
      expect(await log.history('other', 'r1', 10)).toHaveLength(1)
    })

    it('returns at most limit records, the oldest', async () => {
      const log = await setup()
      await log.append([record('r1', 1), record('r1', 2), record('r1', 3)])
      expect((await log.history('todos', 'r1', 2)).map((entry) => entry.atMs)).toEqual([1, 2])
    })

    it('copies what it is given', async () => {
      const log = await setup()
      const columns = ['title']
      await log.append([record('r1', 1, { columns })])
      columns.push('changed')
      expect((await log.history('todos', 'r1', 1))[0]!.columns).toEqual(['title'])
    })

    it('prunes exactly the records older than the given time', async () => {
      const log = await setup()
      await log.append([record('r1', 100), record('r1', 200), record('r2', 150), record('r1', 300)])
      expect(await log.prune(200)).toBe(2)
      expect((await log.history('todos', 'r1', 10)).map((entry) => entry.atMs)).toEqual([200, 300])
      expect(await log.history('todos', 'r2', 10)).toEqual([])
      expect(await log.prune(200)).toBe(0)
    })

    it('S211: lists every record after a number, in order, in pages, or one table’s', async () => {
      const log = await setup()
      await log.append([record('r1', 1), record('r2', 2, { table: 'other' }), record('r3', 3)])
      const all = await log.list(0, 10)
      expect(all.map((entry) => entry.rowId)).toEqual(['r1', 'r2', 'r3'])
      expect(all[0]!.seq).toBeLessThan(all[1]!.seq)
      expect((await log.list(all[0]!.seq, 1)).map((entry) => entry.rowId)).toEqual(['r2'])
      expect((await log.list(0, 10, 'todos')).map((entry) => entry.rowId)).toEqual(['r1', 'r3'])
      expect(await log.list(all[2]!.seq, 10)).toEqual([])
    })

    it('S212: keeps a restore of a whole table with the time it went back to', async () => {
      const log = await setup()
      const restore = record('', 50, { action: 'restore', columns: [], restoredToMs: 20 })
      await log.append([restore, record('r1', 60)])
      const [first, second] = await log.list(0, 10, 'todos')
      expect(first).toMatchObject(restore)
      expect(second!.restoredToMs).toBeUndefined()
    })

    it('treats table names and row ids as data', async () => {
      const log = await setup()
      await log.append([record('__proto__', 1, { table: 'constructor' })])
      expect(await log.history('constructor', '__proto__', 1)).toHaveLength(1)
      expect(await log.history('toString', 'r1', 1)).toEqual([])
    })
  })
}
