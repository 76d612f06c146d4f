// The row routes of the REST API under /tables/:table/rows (docs/rest.md): list, insert, read,
// update, replace and delete rows on the same Table the WebSocket clients edit.
import type { Router } from 'express'
import { TesseraError, type RowInput, type Table } from '../../src/index.js'
import { allows, type Operation } from '../../src/internal.js'
import type { AccessControl } from '../access/access-control.js'
import { refusal, type Grant } from '../access/check-access.js'
import { integerParam, objectBody } from './params.js'
import type { RoutesContext, UseTable } from './use-table.js'

/** @throws UNAUTHORIZED or FORBIDDEN when the grant does not allow `operation` */
const requireOperation = (
  grant: Grant,
  table: string,
  operation: Operation,
  control: AccessControl,
): void => {
  if (!allows(grant.permissions, operation)) throw refusal(control, grant.caller, table, operation)
}

const requireRow = (table: Table, id: string): NonNullable<ReturnType<Table['getRow']>> => {
  const row = table.getRow(id)
  if (row === undefined) {
    throw new TesseraError('ROW_NOT_FOUND', `no row with id "${id}"; check the id`)
  }
  return row
}

/** Adds the row routes (/:table/rows, /:table/rows/:id) to the /tables router. */
export function addRowRoutes(router: Router, context: RoutesContext, useTable: UseTable): void {
  router.get('/:table/rows', async (request, response) => {
    const offset = integerParam(request.query.offset, 'offset', 0)
    const limit = integerParam(request.query.limit, 'limit', 1000)
    const page = await useTable(request, request.params.table, 'read', (table) => {
      const ids = table.rowIds()
      const rows = ids.slice(offset, offset + limit).map((id) => table.getRow(id)!)
      return { rows, total: ids.length }
    })
    response.json(page)
  })

  router.post('/:table/rows', async (request, response) => {
    const body: unknown = request.body
    const rows = Array.isArray(body) ? body : [objectBody(request, 'POST /tables/:table/rows')]
    const inserted = await useTable(request, request.params.table, 'insert', (table) => {
      const ids = table.insertRows(rows as RowInput[])
      return ids.map((id) => table.getRow(id)!)
    })
    response.status(201).json(Array.isArray(body) ? { rows: inserted } : inserted[0])
  })

  router.get('/:table/rows/:id', async (request, response) => {
    response.json(
      await useTable(request, request.params.table, 'read', (table) =>
        requireRow(table, request.params.id),
      ),
    )
  })

  router.patch('/:table/rows/:id', async (request, response) => {
    const cells = objectBody(request, 'PATCH /tables/:table/rows/:id') as RowInput
    const row = await useTable(request, request.params.table, 'update', (table) => {
      table.updateRow(request.params.id, cells)
      return table.getRow(request.params.id)
    })
    response.json(row)
  })

  router.put('/:table/rows/:id', async (request, response) => {
    const cells = objectBody(request, 'PUT /tables/:table/rows/:id') as RowInput
    const row = await useTable(request, request.params.table, 'write', (table, room, grant) => {
      const operation = table.getRow(request.params.id) === undefined ? 'insert' : 'update'
      requireOperation(grant, room.name, operation, context.control)
      table.setRow(request.params.id, cells)
      return table.getRow(request.params.id)
    })
    response.json(row)
  })

  router.delete('/:table/rows/:id', async (request, response) => {
    await useTable(request, request.params.table, 'delete', (table) => {
      if (!table.deleteRow(request.params.id)) requireRow(table, request.params.id)
    })
    response.status(204).end()
  })
}
