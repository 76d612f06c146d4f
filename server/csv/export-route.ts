// `GET /tables/:table/export.csv` (docs/csv.md): the table's rows as CSV, streamed in chunks with
// backpressure. The rows are taken in one synchronous step, so the file is one state of the table.
import express, { type Request, type Response, type Router } from 'express'
import { type Column, type Row, type Store, type Table } from '../../src/index.js'
import { encodeCsvRecord, evaluateQuery, formatCsvCell, parseQuery } from '../../src/internal.js'
import { createReadAt } from '../http/history-routes.js'
import { integerParam, parseAt } from '../http/params.js'
import { queryOf } from '../http/query-routes.js'
import type { UseTable } from '../http/use-table.js'

/** Rows per chunk written to the response. */
const chunkRows = 1000

/** What one export writes: the columns then and the rows, in order. */
interface Extract {
  columns: readonly Column[]
  rows: Row[]
}

/** The rows the request asks for: manual order with offset/limit, or a query (`?query=`). */
const extract = (request: Request, table: Table): Extract => {
  const columns = [...table.columns()]
  if (request.query.query !== undefined) {
    const { rows } = evaluateQuery(parseQuery(queryOf(request), columns), table.listRows())
    return { columns, rows }
  }
  const offset = integerParam(request.query.offset, 'offset', 0)
  const limit = integerParam(request.query.limit, 'limit', Number.MAX_SAFE_INTEGER)
  const ids = table.rowIds().slice(offset, offset + limit)
  return { columns, rows: ids.map((id) => table.getRow(id)!) }
}

/** Resolves once the response drains or closes, leaving no listener behind. */
const drainedOrClosed = (response: Response): Promise<void> =>
  new Promise((resolve) => {
    const done = (): void => {
      response.off('drain', done)
      response.off('close', done)
      resolve()
    }
    response.on('drain', done)
    response.on('close', done)
  })

/** Writes the CSV of `extract`, waiting for the socket to drain; stops when the caller leaves. */
async function writeCsv(response: Response, name: string, { columns, rows }: Extract) {
  response.writeHead(200, {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="${encodeURIComponent(name)}.csv"`,
    'x-total-rows': String(rows.length),
  })
  response.write(encodeCsvRecord(['id', ...columns.map((column) => column.name)]))
  for (let start = 0; start < rows.length && !response.destroyed; start += chunkRows) {
    let chunk = ''
    for (const row of rows.slice(start, start + chunkRows)) {
      const fields = columns.map((column) => formatCsvCell(column.type, row[column.name] ?? null))
      chunk += encodeCsvRecord([row.id, ...fields])
    }
    if (!response.write(chunk)) await drainedOrClosed(response)
  }
  response.end()
}

/** Creates the export route, mounted under /tables. */
export function createExportRoute(store: Store, useTable: UseTable): Router {
  const router = express.Router()
  const readAt = createReadAt(store, useTable)
  router.get('/:table/export.csv', async (request, response) => {
    const name = request.params.table
    const rows =
      request.query.at === undefined
        ? await useTable(request, name, 'read', (table) => extract(request, table))
        : await readAt(request, parseAt(request.query.at), (table) => extract(request, table))
    await writeCsv(response, name, rows)
  })
  return router
}
