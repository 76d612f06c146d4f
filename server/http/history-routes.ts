// Time travel over REST (docs/history.md): the rows endpoint and queries with `?at=`, the state of a
// table as of a time (for openTableAt), the table's log, and a row's history of cell changes.
import express, { type Request, type Router } from 'express'
import * as Y from 'yjs'
import { createTable, TesseraError, type Store, type Table } from '../../src/index.js'
import {
  evaluateQuery,
  historyStartMs,
  loadDocAt,
  parseQuery,
  readRowHistory,
  type RowHistoryEntry,
} from '../../src/internal.js'
import { queryOf } from './query-routes.js'
import type { UseTable } from './use-table.js'
import { integerParam, parseAt } from './params.js'

/**
 * Runs `body` on a read-only copy of a table as it was at `atMs`, once the caller may read it.
 * The room is flushed first, so every update accepted before the request is in the store.
 */
export function createReadAt(store: Store, useTable: UseTable) {
  return <T>(request: Request, atMs: number, body: (table: Table, doc: Y.Doc) => T): Promise<T> =>
    useTable(request, request.params.table, 'read', async (_table, room) => {
      await room.flushed()
      const { doc } = await loadDocAt(store, room.name, atMs)
      const past = createTable({ doc })
      try {
        return body(past, doc)
      } finally {
        past.destroy()
        doc.destroy()
      }
    })
}

const showEntry = (entry: RowHistoryEntry) => ({
  seq: entry.seq,
  at: new Date(entry.atMs).toISOString(),
  userId: entry.author,
  action: entry.action,
  ...(entry.cells === undefined ? {} : { columns: Object.keys(entry.cells), cells: entry.cells }),
  ...(entry.schema === undefined ? {} : { schema: entry.schema }),
  ...(entry.isRestore === true ? { isRestore: true } : {}),
})

/** Creates the history routes, mounted under /tables before the plain rows and query routes. */
export function createHistoryRoutes(store: Store, useTable: UseTable): Router {
  const router = express.Router()
  const readAt = createReadAt(store, useTable)

  router.get('/:table/rows', async (request, response, next) => {
    if (request.query.at === undefined) {
      next()
      return
    }
    const atMs = parseAt(request.query.at)
    const offset = integerParam(request.query.offset, 'offset', 0)
    const limit = integerParam(request.query.limit, 'limit', 1000)
    response.json(
      await readAt(request, atMs, (table) => {
        const ids = table.rowIds()
        const rows = ids.slice(offset, offset + limit).map((id) => table.getRow(id)!)
        return { rows, total: ids.length, at: new Date(atMs).toISOString() }
      }),
    )
  })

  const queryAt = async (request: Request, response: express.Response, next: () => void) => {
    if (request.query.at === undefined) {
      next()
      return
    }
    const atMs = parseAt(request.query.at)
    const query = queryOf(request)
    response.json(
      await readAt(request, atMs, (table) =>
        evaluateQuery(parseQuery(query, table.columns()), table.listRows()),
      ),
    )
  }
  router.get('/:table/query', queryAt)
  router.post('/:table/query', queryAt)

  router.get('/:table/state', async (request, response) => {
    const atMs = request.query.at === undefined ? Date.now() : parseAt(request.query.at)
    const state = await readAt(request, atMs, (_table, doc) => Y.encodeStateAsUpdate(doc))
    response.type('application/octet-stream').send(Buffer.from(state))
  })

  router.get('/:table/history', async (request, response) => {
    const after = integerParam(request.query.after, 'after', 0)
    const limit = Math.min(integerParam(request.query.limit, 'limit', 1000), 10_000)
    const page = await useTable(request, request.params.table, 'read', async (_table, room) => {
      await room.flushed()
      const fromMs = await historyStartMs(store, room.name)
      const log = await store.readLog(room.name, after, limit)
      return {
        from: fromMs === undefined ? null : new Date(fromMs).toISOString(),
        entries: log.map((entry) => ({
          seq: entry.seq,
          at: new Date(entry.atMs).toISOString(),
          userId: entry.author,
          bytes: entry.update.byteLength,
        })),
      }
    })
    response.json(page)
  })

  router.get('/:table/rows/:id/history', async (request, response) => {
    const after = integerParam(request.query.after, 'after', 0)
    const limit = integerParam(request.query.limit, 'limit', 1000)
    if (limit < 1 || limit > 10_000) {
      throw new TesseraError('INVALID_ARGUMENT', `limit must be 1 to 10000, got ${limit}`)
    }
    const entries = await useTable(request, request.params.table, 'read', async (_table, room) => {
      await room.flushed()
      return readRowHistory(store, room.name, request.params.id, { afterSeq: after, limit })
    })
    response.json({ rowId: request.params.id, entries: entries.map(showEntry) })
  })
  return router
}
