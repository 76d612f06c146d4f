// S245: with the SQLite store, an accepted update's audit records commit in the same SQLite
// transaction as the update: they are in the file once its writer is told saved, and an update
// whose records cannot be written is not stored (its writer is told not-saved).
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createCommitWriter, newBatch } from '../../server/commit-writer.js'
import { createMetrics } from '../../server/metrics.js'
import type { AuditRecord } from '../../server/ports/audit-log.js'
import { createMemoryStore, createTable } from '../../src/index.js'
import { startServer } from '../helpers/start-server.js'
import { connectClient } from '../helpers/sync-client.js'

const columns = [{ name: 'title', type: 'string' as const }]

/** A writer of table `todos` with one row, saved; and a reader of the server's file. */
async function setup() {
  const server = await startServer()
  const writer = connectClient(server.wsUrl, 'todos')
  await writer.whenSynced()
  const table = createTable({ doc: writer.doc, columns })
  const [id] = table.insertRows([{ title: 'first' }])
  await writer.save()
  const file = new Database(server.dbPath, { readonly: true })
  const count = (sql: string): number => file.prepare<[], number>(sql).pluck().get() ?? 0
  return {
    server,
    writer,
    table,
    id: id!,
    file,
    records: () =>
      count(
        "SELECT coalesce(sum(json_array_length(records)), 0) FROM audit_turns WHERE table_name = 'todos'",
      ),
    updates: () => count("SELECT count(*) FROM updates WHERE table_name = 'todos'"),
  }
}

describe('S245: audit records commit with their update', () => {
  it('S245: every saved update has its record in the file when its writer is told saved', async () => {
    const { writer, table, id, file, records, updates } = await setup()
    expect(records()).toBe(1)
    for (let edit = 1; edit <= 20; edit++) {
      table.setCell(id, 'title', `edit ${edit}`)
      await writer.save()
      // Read at once, through another connection: only what was committed is visible.
      expect({ records: records(), stored: updates() > 0 }).toEqual({
        records: 1 + edit,
        stored: true,
      })
    }
    file.close()
  })

  it('S245: an update whose record cannot be written is not stored, and its writer is told not-saved', async () => {
    const { server, writer, table, id, file, records, updates } = await setup()
    const stored = updates()
    const admin = new Database(server.dbPath)
    admin.exec(
      "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_turns BEGIN SELECT RAISE(ABORT, 'audit refused'); END",
    )
    admin.close()
    table.setCell(id, 'title', 'never stored')
    await expect(writer.save()).rejects.toThrow(/STORAGE_FAILURE/)
    expect({ records: records(), updates: updates() }).toEqual({ records: 1, updates: stored })
    file.close()
  })
})

describe('S245: a store without a shared transaction', () => {
  it('S245: gets the records written once its append resolved, not in it', async () => {
    const store = createMemoryStore()
    const log = { count: 0, bytes: 0, isEmpty: true, atMs: 0, seq: 0 }
    const context = {
      store,
      metrics: createMetrics(),
      compactAfterUpdates: 1000,
      compactAfterBytes: 1 << 20,
      historyRetentionMs: 0,
    }
    const hooks = { broadcast: () => undefined, onBroken: () => undefined }
    const writer = createCommitWriter('todos', new Y.Doc(), context, log, hooks)
    const record: AuditRecord = {
      table: 'todos',
      rowId: 'r1',
      action: 'insert',
      columns: [],
      userId: null,
      atMs: 1,
    }
    const written: string[] = []
    const batch = newBatch()
    const source = new Y.Doc()
    source.getMap('m').set('k', 1)
    batch.updates.push({ update: Y.encodeStateAsUpdate(source), author: null })
    batch.records.push(record)
    batch.recordsWriter = {
      writeInStep: () => written.push('in step'),
      recordLater: (records) => written.push(`later: ${records.map((r) => r.rowId).join()}`),
    }
    await writer.append(batch)
    expect(written).toEqual(['later: r1'])
    expect((await store.load('todos')).updates).toHaveLength(1)
  })
})
