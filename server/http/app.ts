// The express app: health and metrics, the REST API under /tables, the demo at `/`, and the
// one error middleware that turns every failure into `{ error: { code, message } }`.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import express, { type ErrorRequestHandler, type Express, type Router } from 'express'
import type { HealthReport } from '../health.js'
import type { Metrics } from '../metrics.js'
import type { Logger } from '../logger.js'
import { TesseraError } from '../../src/index.js'
import { toHttpError, toTesseraError } from './to-http-error.js'

export interface AppParts {
  metrics: Metrics
  logger: Logger
  maxMessageBytes: number
  staticDir: string | false
  /** Routers mounted under /tables, in order. */
  tableRouters: Router[]
  /** Mounted under /auth (docs/security.md): who am I, and the opt-in dev login. */
  authRouter?: Router
  /** `GET /healthz`: the node and its engines now (server/health.ts). */
  health(): Promise<{ httpStatus: number; report: HealthReport }>
}

/** Builds the express app of one server. */
export function createApp(parts: AppParts): Express {
  const { metrics, logger } = parts
  const app = express()
  app.disable('x-powered-by')
  // Not strict: any JSON value parses, so a body of the wrong shape (a string, a number) is
  // answered by the route with what to send instead of "not valid JSON".
  app.use(express.json({ limit: parts.maxMessageBytes, strict: false }))

  app.get('/healthz', async (_request, response) => {
    const { httpStatus, report } = await parts.health()
    response.status(httpStatus).json(report)
  })
  app.get('/metrics', async (_request, response) => {
    response.type(metrics.registry.contentType).send(await metrics.registry.metrics())
  })
  for (const router of parts.tableRouters) app.use('/tables', router)
  if (parts.authRouter !== undefined) app.use('/auth', parts.authRouter)

  if (parts.staticDir !== false) {
    const dir = parts.staticDir
    app.use(express.static(dir))
    app.get('/', (_request, response) => {
      response
        .type('text')
        .send(
          existsSync(join(dir, 'index.html'))
            ? 'Tessera sync server'
            : `Tessera sync server. The demo page is not built (expected ${join(dir, 'index.html')}).`,
        )
    })
  }

  // S116: every request no route answered gets the JSON error format too, never an HTML page.
  app.use((request, _response, next) => {
    next(
      new TesseraError(
        'ROUTE_NOT_FOUND',
        `no route ${request.method} ${request.path}; docs/rest.md lists the routes`,
      ),
    )
  })

  const onError: ErrorRequestHandler = (error, _request, response, next) => {
    if (response.headersSent) {
      next(error)
      return
    }
    const tesseraError = toTesseraError(error)
    if (tesseraError.cause !== undefined && tesseraError.cause === error) {
      logger.error('request failed', error)
    }
    metrics.error(tesseraError.code)
    const { status, body } = toHttpError(tesseraError)
    response.status(status).json(body)
  }
  app.use(onError)
  return app
}
