// `POST /tables/:table/import` (text/csv, streamed) and its progress stream (docs/csv.md): one
// import is one transaction, so one update, one history entry and one audited change.
import express, { type Response, type Router } from 'express'
import { checkTableName, TesseraError, type Table } from '../../src/index.js'
import { allows, type Operation } from '../../src/internal.js'
import { checkAccess, refusal, type Grant } from '../access/check-access.js'
import { callerId, type AccessControl } from '../access/access-control.js'
import type { UseTable } from '../http/use-table.js'
import { toTesseraError } from '../http/to-http-error.js'
import { planImport, readCsvRecords, type BadLine, type CsvRecord } from './csv-import.js'
import { jobKey, type ImportJobs, type ImportProgress } from './import-jobs.js'

/** What the import routes need. */
export interface ImportContext {
  useTable: UseTable
  control: AccessControl
  jobs: ImportJobs
  maxImportBytes: number
}

/** Reads a `true`/`false` query parameter. */
const flagParam = (value: unknown, name: string): boolean => {
  if (value === undefined || value === 'false') return false
  if (value === 'true' || value === '') return true
  throw new TesseraError(
    'INVALID_ARGUMENT',
    `${name} must be true or false, got ${JSON.stringify(value)}`,
  )
}

/** The import's answer: what it wrote and the lines it left out. */
const applyImport = (
  table: Table,
  grant: Grant,
  records: readonly CsvRecord[],
  options: {
    canCreateColumns: boolean
    isSkippingBadLines: boolean
    control: AccessControl
    name: string
  },
) => {
  const plan = planImport(records, table.columns(), options.canCreateColumns)
  if (plan.badLines.length > 0 && !options.isSkippingBadLines) return { plan, isRefused: true }
  const updates = plan.rows.filter(
    (row) => typeof row.id === 'string' && table.hasRow(row.id),
  ).length
  const needed: Operation[] = []
  if (plan.create.length > 0) needed.push('admin')
  if (plan.rows.length > updates) needed.push('insert')
  if (updates > 0) needed.push('update')
  for (const operation of needed) {
    if (!allows(grant.permissions, operation))
      throw refusal(options.control, grant.caller, options.name, operation)
  }
  table.transact(() => {
    for (const column of plan.create) table.addColumn(column)
    table.insertRows(plan.rows)
  })
  return { plan, isRefused: false, inserted: plan.rows.length - updates, updated: updates }
}

const badLinesBody = (badLines: readonly BadLine[]) => ({
  error: {
    code: 'SCHEMA_VIOLATION',
    message: `${badLines.length} line(s) do not fit the table (first: line ${badLines[0]!.line}: ${badLines[0]!.message}); nothing was imported. Fix them, or import with badLines=skip`,
  },
  badLines: badLines.slice(0, 1000),
})

/** Creates the import routes, mounted under /tables. */
export function createImportRoutes(context: ImportContext): Router {
  const { jobs } = context
  const router = express.Router()

  router.post('/:table/import', async (request, response) => {
    const name = checkTableName(request.params.table)
    const type = request.headers['content-type'] ?? ''
    if (!/^text\/csv\b/i.test(type)) {
      throw new TesseraError(
        'INVALID_ARGUMENT',
        `send the CSV with Content-Type: text/csv, not ${JSON.stringify(type)}`,
      )
    }
    const canCreateColumns = flagParam(request.query.createColumns, 'createColumns')
    const badLines = request.query.badLines ?? 'abort'
    if (badLines !== 'abort' && badLines !== 'skip') {
      throw new TesseraError(
        'INVALID_ARGUMENT',
        `badLines must be abort or skip, got ${JSON.stringify(badLines)}`,
      )
    }
    // Rights and the table's existence are checked before the body is read.
    const operation = canCreateColumns ? 'admin' : 'write'
    const grant = await context.useTable(request, name, operation, (_table, _room, given) => given)
    const key =
      request.query.job === undefined
        ? undefined
        : jobKey(name, request.query.job, callerId(grant.caller))
    if (key !== undefined) jobs.open(key)
    const report = (patch: Partial<ImportProgress>): void => {
      if (key !== undefined) jobs.update(key, patch)
    }
    const length = Number(request.headers['content-length'])
    report({ phase: 'receiving', ...(Number.isFinite(length) ? { totalBytes: length } : {}) })
    try {
      const records = await readCsvRecords(request, {
        maxBytes: context.maxImportBytes,
        onBytes: (bytes) => {
          report({ bytes })
        },
      })
      report({ phase: 'applying', records: records.length })
      const result = await context.useTable(request, name, 'write', (table, room, given) => {
        const applied = applyImport(table, given, records, {
          canCreateColumns,
          isSkippingBadLines: badLines === 'skip',
          control: context.control,
          name: room.name,
        })
        if (!applied.isRefused) report({ phase: 'storing' })
        return applied
      })
      if (result.isRefused) {
        report({ phase: 'failed', error: badLinesBody(result.plan.badLines).error })
        response.status(422).json(badLinesBody(result.plan.badLines))
        return
      }
      const answer = {
        inserted: result.inserted,
        updated: result.updated,
        columnsCreated: result.plan.create,
        badLines: result.plan.badLines.slice(0, 1000),
        skipped: result.plan.badLines.length,
      }
      report({ phase: 'done', result: answer })
      response.json(answer)
    } catch (error) {
      const failed = toTesseraError(error)
      report({ phase: 'failed', error: { code: failed.code, message: failed.message } })
      // The rest of a refused body is not read: close the connection after the answer.
      response.setHeader('connection', 'close')
      throw failed
    }
  })

  router.get('/:table/import/progress', async (request, response) => {
    const name = checkTableName(request.params.table)
    const grant = await checkAccess(context.control, request, name, 'read')
    const key = jobKey(name, request.query.job, callerId(grant.caller))
    streamProgress(response, jobs, key)
  })
  return router
}

/** Sends the job's progress as SSE `progress` events until it is done or failed. */
function streamProgress(response: Response, jobs: ImportJobs, key: string): void {
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'x-accel-buffering': 'no',
  })
  const send = (progress: ImportProgress): void => {
    response.write(`event: progress\ndata: ${JSON.stringify(progress)}\n\n`)
    if (progress.phase === 'done' || progress.phase === 'failed') {
      stop()
      response.end()
    }
  }
  const current = jobs.open(key)
  const stop = jobs.subscribe(key, send)
  response.on('close', stop)
  send(current)
}
