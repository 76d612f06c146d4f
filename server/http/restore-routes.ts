// `POST /tables/:table/restore` (docs/history.md): brings a table, some rows or one cell back to
// their state at a time, as one new forward update that every connected client receives.
import express, { type Router } from 'express'
import { TesseraError, type Store, type Table } from '../../src/index.js'
import {
  allows,
  loadDocAt,
  restoreFrom,
  restoreOperations,
  type RestoreScope,
} from '../../src/internal.js'
import { refusal } from '../access/check-access.js'
import { callerId, type AccessControl } from '../access/access-control.js'
import type { Audit, RestoreRecord } from '../access/audit.js'
import { parseAt } from './params.js'
import type { UseTable } from './use-table.js'

const keys = ['at', 'rows', 'cell']

/** Reads `{ at, rows?, cell? }`. @throws INVALID_ARGUMENT naming what is wrong */
export function parseRestoreBody(body: unknown): { atMs: number; scope: RestoreScope } {
  const where = 'POST /tables/:table/restore'
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      `${where}: send { "at": "<ISO time>", "rows"?: [ids], "cell"?: { "row", "column" } }`,
    )
  }
  const input = body as Record<string, unknown>
  const unknownKey = Object.keys(input).find((key) => !keys.includes(key))
  if (unknownKey !== undefined) {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      `${where}: unknown key "${unknownKey}"; expected at, rows or cell`,
    )
  }
  const atMs = parseAt(input.at, 'at')
  const { rows, cell } = input
  if (rows !== undefined && cell !== undefined) {
    throw new TesseraError('INVALID_ARGUMENT', `${where}: give rows or cell, not both`)
  }
  if (rows !== undefined) {
    if (
      !Array.isArray(rows) ||
      rows.length === 0 ||
      !rows.every((id) => typeof id === 'string' && id !== '')
    ) {
      throw new TesseraError(
        'INVALID_ARGUMENT',
        `${where}: rows must be a non-empty list of row ids`,
      )
    }
    return { atMs, scope: { rows: rows as string[] } }
  }
  if (cell !== undefined) {
    const { row, column } = (cell ?? {}) as { row?: unknown; column?: unknown }
    if (typeof row !== 'string' || typeof column !== 'string' || Object.keys(cell!).length !== 2) {
      throw new TesseraError(
        'INVALID_ARGUMENT',
        `${where}: cell must be { "row": id, "column": name }`,
      )
    }
    return { atMs, scope: { cell: { row, column } } }
  }
  return { atMs, scope: {} }
}

/** What the audit log keeps of a restore of `scope` (S212); the cell's column by its id. */
function restoreRecordOf(table: Table, scope: RestoreScope, atMs: number): RestoreRecord {
  const { rows, cell } = scope
  if (rows !== undefined) return { restoredToMs: atMs, rows }
  if (cell === undefined) return { restoredToMs: atMs }
  const columnId = table.getColumn(cell.column)?.id ?? cell.column
  return { restoredToMs: atMs, cell: { row: cell.row, columnId } }
}

/** Creates the restore route, mounted under /tables. */
export function createRestoreRoutes(
  store: Store,
  useTable: UseTable,
  control: AccessControl,
  audit: Pick<Audit, 'recordRestore'>,
): Router {
  const router = express.Router()
  router.post('/:table/restore', async (request, response) => {
    const { atMs, scope } = parseRestoreBody(request.body)
    const isWhole = scope.rows === undefined && scope.cell === undefined
    // Read the past first (with read access); the restore itself is one synchronous write below.
    const past = await useTable(request, request.params.table, 'read', async (_table, room) => {
      await room.flushed()
      return (await loadDocAt(store, room.name, atMs)).doc
    })
    try {
      const { summary, restored } = await useTable(
        request,
        request.params.table,
        isWhole ? 'admin' : 'write',
        (table, room, grant) => {
          for (const operation of isWhole ? [] : restoreOperations(table, past, scope)) {
            if (!allows(grant.permissions, operation))
              throw refusal(control, grant.caller, room.name, operation)
          }
          const record = restoreRecordOf(table, scope, atMs)
          const done = restoreFrom(table, past, atMs, scope)
          return { summary: done, restored: { record, room: room.name, grant } }
        },
      )
      // S212: who restored what to when, once the restore is durable (useTable waited for it).
      const { record, room, grant } = restored
      await audit.recordRestore(room, callerId(grant.caller), record, Date.now())
      response.json({ at: new Date(atMs).toISOString(), ...summary })
    } finally {
      past.destroy()
    }
  })
  return router
}
