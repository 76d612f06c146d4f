// `useTable`: how every REST route reaches a table. It checks the caller's access first, holds
// the room loaded while the route runs, and records a write in the audit log once it is durable.
import type { Request, Response } from 'express'
import {
  checkTableName,
  type Store,
  type Table,
  type TableChange,
  type TesseraError,
} from '../../src/index.js'
import type { Operation } from '../../src/internal.js'
import { callerId, type AccessControl } from '../access/access-control.js'
import type { Audit } from '../access/audit.js'
import { checkAccess, type Grant } from '../access/check-access.js'
import type { LiveGrants } from '../access/live-grants.js'
import type { ResolvedServerOptions } from '../options.js'
import type { Room } from '../room.js'
import type { Rooms } from '../rooms.js'

/** What the routes need from the server. */
export interface RoutesContext {
  rooms: Rooms
  store: Store
  options: ResolvedServerOptions
  /** Who the caller is and what it may do (docs/security.md). */
  control: AccessControl
  /** Where accepted writes are recorded. */
  audit: Audit
  /** Where open streams are watched for expiry, revocation and rule changes. */
  liveGrants: LiveGrants
}

/**
 * Runs `body` on a table's room once the caller may do `operation`, holding the room loaded; a
 * write waits until it is durable and is then recorded in the audit log with the caller's id.
 */
export type UseTable = <T>(
  request: Request,
  table: unknown,
  operation: Operation,
  body: (table: Table, room: Room, grant: Grant) => T | Promise<T>,
  canCreate?: boolean,
) => Promise<T>

/** Creates `useTable` for the route modules. */
export function createUseTable(
  context: Pick<RoutesContext, 'rooms' | 'control' | 'audit' | 'liveGrants'>,
): UseTable {
  return async (request, table, operation, body, canCreate = false) => {
    const name = checkTableName(table)
    const grant = await checkAccess(context.control, request, name, operation)
    const room = await context.rooms.acquire(name, { canCreate })
    const release = room.hold()
    const stopWatching = context.liveGrants.watch(grant, name, (change) => {
      if (change.type === 'end') endStream(request.res, change.error)
    })
    const changes: TableChange[] = []
    const tableOfRoom = room.table()
    // Bodies write synchronously: the changes seen while one runs are its own.
    const stopRecording =
      operation === 'read' ? undefined : tableOfRoom.on('change', (change) => changes.push(change))
    try {
      const pending = room.writeAs(callerId(grant.caller), () => body(tableOfRoom, room, grant))
      stopRecording?.()
      const result = await pending
      if (operation !== 'read') {
        await room.flushed()
        const atMs = Date.now()
        const userId = callerId(grant.caller)
        for (const change of changes) {
          await context.audit.record(
            name,
            userId,
            { inserted: [...change.added], updated: change.updated, deleted: [...change.deleted] },
            atMs,
          )
        }
      }
      return result
    } finally {
      stopRecording?.()
      stopWatching()
      release()
    }
  }
}

/**
 * S51, S75, S76 for REST streams (SSE): a response still open when the caller's grant ends
 * (token expired or revoked, read withdrawn) gets an `error` event with the code and is ended.
 */
function endStream(response: Response | undefined, error: TesseraError): void {
  if (response === undefined || !response.headersSent || response.writableEnded) return
  const data = { code: error.code, message: error.message }
  response.end(`event: error\ndata: ${JSON.stringify(data)}\n\n`)
}
