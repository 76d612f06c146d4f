// Queries over REST (docs/rest.md): one-off queries (GET with ?query=<json>, or POST) and the
// Server-Sent Events stream of a live query's diffs. The same liveQuery code as every replica.
import express, { type Request, type Router } from 'express'
import { TesseraError, type LiveQueryDiff, type Query } from '../../src/index.js'
import { evaluateQuery, parseQuery } from '../../src/internal.js'
import type { UseTable } from './use-table.js'

const keepAliveMs = 15_000

/** Reads the query of a request: the JSON `query` parameter, or the JSON body of a POST. */
export const queryOf = (request: Request): Query => {
  if (request.method === 'POST') return (request.body ?? {}) as Query
  const text = request.query.query
  if (text === undefined) return {}
  if (typeof text !== 'string') {
    throw new TesseraError('INVALID_QUERY', 'give the query once, as JSON: ?query={"where":…}')
  }
  try {
    return JSON.parse(text) as Query
  } catch (cause) {
    throw new TesseraError(
      'INVALID_QUERY',
      `the query parameter is not valid JSON (${String(cause)}); URL-encode a JSON object`,
      { cause },
    )
  }
}

/** What one SSE `diff` event carries: the diff without the full window (`rows`) or the origin. */
const diffEvent = (diff: LiveQueryDiff): object => ({
  added: diff.added,
  removed: diff.removed,
  updated: diff.updated,
  moved: diff.moved,
  total: diff.total,
  source: diff.source,
  ...(diff.error === undefined
    ? {}
    : { error: { code: diff.error.code, message: diff.error.message } }),
})

/** Creates the query routes, mounted under /tables. */
export function createQueryRoutes(useTable: UseTable): Router {
  const router = express.Router()

  const runQuery = async (request: Request): Promise<object> => {
    const query = queryOf(request)
    return useTable(request, request.params.table, 'read', (table) =>
      evaluateQuery(parseQuery(query, table.columns()), table.listRows()),
    )
  }
  router.get('/:table/query', async (request, response) => {
    response.json(await runQuery(request))
  })
  router.post('/:table/query', async (request, response) => {
    response.json(await runQuery(request))
  })

  router.get('/:table/live', async (request, response) => {
    const query = queryOf(request)
    // The room stays held (loaded) while the stream is open: useTable's hold ends with `stopped`.
    await useTable(request, request.params.table, 'read', (table, room) => {
      const live = table.liveQuery(query)
      response.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      })
      const send = (event: string, data: object): void => {
        response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)
      }
      send('snapshot', { rows: live.rows, total: live.total })
      const unsubscribe = live.subscribe((diff) => {
        send('diff', diffEvent(diff))
      })
      const keepAlive = setInterval(() => response.write(': keep-alive\n\n'), keepAliveMs)
      // The room is held, so its doc goes only when the table is deleted (S117); at shutdown
      // the server has closed the response before.
      const onDeleted = (): void => {
        const message = `table "${room.name}" was deleted`
        response.end(
          `event: error\ndata: ${JSON.stringify({ code: 'TABLE_NOT_FOUND', message })}\n\n`,
        )
      }
      room.doc.once('destroy', onDeleted)
      return new Promise<void>((resolve) => {
        response.on('close', () => {
          room.doc.off('destroy', onDeleted)
          clearInterval(keepAlive)
          unsubscribe()
          live.dispose()
          resolve()
        })
      })
    })
  })
  return router
}
