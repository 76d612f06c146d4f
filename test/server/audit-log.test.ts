// The audit log: the contract on every adapter, reopening the SQLite file, and what the server's
// recorder writes for accepted updates (S54).
import { join } from 'node:path'
import * as Y from 'yjs'
import { expect, it, onTestFinished } from 'vitest'
import { createTable } from '../../src/index.js'
import { allPermissions, applyChecked } from '../../src/internal.js'
import { createAudit } from '../../server/access/audit.js'
import { createSqliteAuditLog } from '../../server/adapters/sqlite-audit-log.js'
import { silentLogger } from '../../server/logger.js'
import { createMemoryAuditLog } from '../../server/ports/memory-audit-log.js'
import { tempDir } from '../helpers/temp-dir.js'
import { runAuditLogContract } from './audit-log-contract.js'

runAuditLogContract('memory', () => createMemoryAuditLog())

runAuditLogContract('SQLite', () => {
  const log = createSqliteAuditLog({ path: join(tempDir(), 'nested', 'tessera.db') })
  onTestFinished(() => log.close())
  return log
})

// Each append indexed at once, as its own chunk: reads go through the index, not the scan.
runAuditLogContract('SQLite, read through the chunk index', () => {
  const log = createSqliteAuditLog({ path: join(tempDir(), 'tessera.db'), indexAfterMs: 0 })
  onTestFinished(() => log.close())
  return log
})

it('SQLite keeps the audit log across reopening the file', async () => {
  const path = join(tempDir(), 'tessera.db')
  const first = createSqliteAuditLog({ path })
  const entry = {
    table: 't',
    rowId: 'r',
    action: 'delete',
    columns: [],
    userId: 'u',
    atMs: 5,
  } as const
  await first.append([entry])
  await first.close()
  const second = createSqliteAuditLog({ path, synchronous: 'full' })
  onTestFinished(() => second.close())
  expect(await second.history('t', 'r', 5)).toEqual([{ ...entry, seq: 1 }])
})

it('S54: the recorder keeps who inserted, updated (which cells) and deleted a row, and prunes by retention', async () => {
  const log = createMemoryAuditLog()
  const now = () => 3500
  const audit = createAudit(log, { retentionMs: 1000, logger: silentLogger, now })
  onTestFinished(() => audit.close())
  const server = createTable({ columns: [{ name: 'title', type: 'string' }] })
  const apply = async (userId: string, edit: (doc: Y.Doc) => void, atMs: number) => {
    const client = new Y.Doc()
    Y.applyUpdate(client, Y.encodeStateAsUpdate(server.doc))
    const vector = Y.encodeStateVector(client)
    edit(client)
    const update = Y.encodeStateAsUpdate(client, vector)
    await audit.record(
      'todos',
      userId,
      applyChecked(server.doc, update, userId, allPermissions),
      atMs,
    )
  }
  await apply('ann', (doc) => createTable({ doc }).insertRow({ title: 'a' }, { id: 'r1' }), 1000)
  await apply('bob', (doc) => createTable({ doc }).setCell('r1', 'title', 'b'), 2000)
  await apply('ann', (doc) => createTable({ doc }).deleteRow('r1'), 3000)
  const history = await audit.history('todos', 'r1', 10)
  expect(
    history.map(({ action, userId, columns, atMs }) => ({ action, userId, columns, atMs })),
  ).toEqual([
    { action: 'insert', userId: 'ann', columns: [], atMs: 1000 },
    { action: 'update', userId: 'bob', columns: ['title'], atMs: 2000 },
    { action: 'delete', userId: 'ann', columns: [], atMs: 3000 },
  ])
  // Pruning runs when a recorder starts (and hourly): one started now keeps the last second.
  createAudit(log, { retentionMs: 1000, logger: silentLogger, now }).close()
  expect(await audit.history('todos', 'r1', 10)).toHaveLength(1)
})

it('a failing audit log is reported to the logger and onError, and the recorder does not reject', async () => {
  const log = createMemoryAuditLog()
  const failing = { ...log, append: () => Promise.reject(new Error('disk full')) }
  const errors: unknown[] = []
  const reported: string[] = []
  const audit = createAudit(failing, {
    retentionMs: Infinity,
    logger: { ...silentLogger, error: (message) => reported.push(message) },
    onError: (error) => errors.push(error),
  })
  onTestFinished(() => audit.close())
  await Promise.all([
    audit.record('todos', 'ann', { inserted: ['r1'], updated: new Map(), deleted: [] }, 1),
    audit.record('notes', 'ann', { inserted: ['r2'], updated: new Map(), deleted: [] }, 1),
  ])
  // The records of one turn are appended together, so the failure is reported once.
  expect(reported).toEqual(['audit log: recording changes of "todos", "notes" failed'])
  expect(errors).toMatchObject([
    { code: 'STORAGE_FAILURE', message: expect.stringMatching(/disk full/) },
  ])
})

it('S54: records asked for in the turn the recorder closes are still written before the log closes', async () => {
  const path = join(tempDir(), 'tessera.db')
  const log = createSqliteAuditLog({ path })
  const reported: string[] = []
  const logger = { ...silentLogger, error: (message: string) => reported.push(message) }
  const audit = createAudit(log, { retentionMs: Infinity, logger })
  const changes = { inserted: ['r1'], updated: new Map(), deleted: [] }
  const written = audit.record('todos', 'ann', changes, 7)
  audit.close()
  await log.close()
  await written
  expect(reported).toEqual([])
  const again = createSqliteAuditLog({ path })
  onTestFinished(() => again.close())
  expect(await again.history('todos', 'r1', 5)).toMatchObject([{ userId: 'ann', atMs: 7 }])
})
