// Query-string parameters and JSON bodies of the REST API, checked at the door: whole numbers,
// times, objects.
import type { Request } from 'express'
import { TesseraError } from '../../src/index.js'

/** A whole number >= 0, or `fallback` when absent. @throws INVALID_ARGUMENT */
export function integerParam(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback
  const number = Number(value)
  if (!Number.isSafeInteger(number) || number < 0) {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      `${name} must be an integer >= 0, got ${JSON.stringify(value)}`,
    )
  }
  return number
}

const isoTime = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/

/**
 * An ISO 8601 time (`2026-12-01T10:00:00Z`, `2026-12-01T11:00:00.250+01:00`, or a date meaning
 * its midnight UTC) as ms since 1970. A time of day needs its zone, so it means one instant.
 * @throws INVALID_ARGUMENT naming the parameter
 */
export function parseAt(value: unknown, name = 'at'): number {
  const ms = typeof value === 'string' && isoTime.test(value) ? Date.parse(value) : NaN
  if (!Number.isFinite(ms)) {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      `${name} must be one ISO 8601 time with its zone, e.g. 2026-12-01T10:00:00Z, got ${JSON.stringify(value)}`,
    )
  }
  return ms
}

/** The request's JSON body, which must be an object; `where` names the route. @throws INVALID_ARGUMENT */
export function objectBody(request: Request, where: string): Record<string, unknown> {
  const body: unknown = request.body
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      `${where}: send a JSON object with Content-Type: application/json`,
    )
  }
  return body as Record<string, unknown>
}
