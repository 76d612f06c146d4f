// The REST API under /tables (docs/rest.md): tables, schema and row CRUD on the same Table the
// WebSocket clients edit. A write answers only once it is committed to the store.
import express, { type Request, type Router } from 'express'
import {
  checkTableName,
  TesseraError,
  type ColumnInput,
  type RowInput,
  type Table,
} from '../../src/index.js'
import { allows, type Operation } from '../../src/internal.js'
import type { AccessControl } from '../access/access-control.js'
import { checkAccess, refusal, type Grant } from '../access/check-access.js'
import { integerParam } from './params.js'
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

const objectBody = (request: Request, where: string): Record<string, unknown> => {
  const body: unknown = request.body
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      `${where}: send a JSON object with Content-Type: application/json`,
    )
  }
  return body as Record<string, unknown>
}

const schemaOf = (name: string, table: Table): object => ({
  name,
  columns: table.columns(),
  rowCount: table.size,
})

const requireRow = (table: Table, id: string): NonNullable<ReturnType<Table['getRow']>> => {
  const row = table.getRow(id)
  if (row === undefined) {
    throw new TesseraError('ROW_NOT_FOUND', `no row with id "${id}"; check the id`)
  }
  return row
}

/** Creates the /tables router (list/create tables, schema, columns, row CRUD). */
export function createTablesRoutes(context: RoutesContext, useTable: UseTable): Router {
  const router = express.Router()

  router.get('/', async (request, response) => {
    const names = new Set(await context.store.list())
    for (const name of context.rooms.loaded()) {
      if (context.rooms.get(name)?.isEmpty() === false) names.add(name)
    }
    const caller = await context.control.identify(request)
    const visible = []
    for (const name of [...names].sort()) {
      if ((await context.control.accessFor(caller, name)).canRead) visible.push(name)
    }
    response.json({ tables: visible })
  })

  router.post('/', async (request, response) => {
    const body = objectBody(request, 'POST /tables')
    const columns = body.columns ?? []
    if (!Array.isArray(columns)) {
      throw new TesseraError(
        'INVALID_ARGUMENT',
        'POST /tables: columns must be an array of { name, type, default? }',
      )
    }
    const schema = await useTable(
      request,
      body.name,
      'admin',
      (table) => {
        table.transact(() => {
          for (const column of columns as ColumnInput[]) {
            if (table.getColumn(column.name) === undefined) table.addColumn(column)
          }
        })
        return schemaOf(body.name as string, table)
      },
      true,
    )
    response.status(201).json(schema)
  })

  router.get('/:table', async (request, response) => {
    response.json(
      await useTable(request, request.params.table, 'read', (table, room) =>
        schemaOf(room.name, table),
      ),
    )
  })

  // S117: an admin deletes a table: its connections close with 4404 and its stored data goes.
  router.delete('/:table', async (request, response) => {
    const name = checkTableName(request.params.table)
    await checkAccess(context.control, request, name, 'admin')
    if (!(await context.rooms.drop(name))) {
      throw new TesseraError('TABLE_NOT_FOUND', `table "${name}" does not exist; nothing to delete`)
    }
    response.status(204).end()
  })

  router.post('/:table/columns', async (request, response) => {
    const body = objectBody(request, 'POST /tables/:table/columns')
    const column = await useTable(request, request.params.table, 'admin', (table) =>
      table.addColumn(body as unknown as ColumnInput),
    )
    response.status(201).json(column)
  })

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

  return router
}
