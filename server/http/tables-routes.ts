// The REST API under /tables (docs/rest.md): tables, schema and columns (rows-routes.ts adds the
// rows) on the same Table the WebSocket clients edit. A write answers only once it is committed.
import express, { type Router } from 'express'
import { checkTableName, TesseraError, type ColumnInput, type Table } from '../../src/index.js'
import { checkAccess } from '../access/check-access.js'
import { objectBody } from './params.js'
import { addRowRoutes } from './rows-routes.js'
import type { RoutesContext, UseTable } from './use-table.js'

const schemaOf = (name: string, table: Table): object => ({
  name,
  columns: table.columns(),
  rowCount: table.size,
})

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

  addRowRoutes(router, context, useTable)
  return router
}
