// Open connections and live query streams keep what they were granted only while it holds: the
// token's expiry (S51), its revocation (S75) and rule changes (S76) reach them here. Knows
// nothing about sockets or HTTP: each watcher is told, and closes its own connection or stream.
import { TesseraError, type TablePermissions } from '../../src/index.js'
import { isSamePermissions } from '../../src/internal.js'
import type { Logger } from '../logger.js'
import type { AccessControl } from './access-control.js'
import type { Grant } from './check-access.js'

/** What happened to an open grant: new permissions, or its end with the error to close with. */
export type GrantChange =
  | { readonly type: 'permissions'; readonly permissions: TablePermissions }
  | { readonly type: 'end'; readonly error: TesseraError }

/** The open grants of one server. */
export interface LiveGrants {
  /**
   * Watches the grant of an open connection or stream on `table`: `onChange` is called when
   * its permissions change (S76) and, once, when it ends (expiry S51, revocation S75, read
   * withdrawn S76). Returns the function that stops watching.
   */
  watch(grant: Grant, table: string, onChange: (change: GrantChange) => void): () => void
  /** Checks every open grant again (after a revocation or a rules change). Never rejects. */
  revalidate(): Promise<void>
}

interface Watched {
  readonly grant: Grant
  readonly table: string
  permissions: TablePermissions
  readonly onChange: (change: GrantChange) => void
  timer?: NodeJS.Timeout
}

/** Longest delay setTimeout takes (about 24.8 days); longer expiries re-arm the timer. */
const maxTimerMs = 2 ** 31 - 1

/** Creates the registry of open grants of a server. */
export function createLiveGrants(
  control: AccessControl,
  options: { logger: Logger; now?: () => number },
): LiveGrants {
  const now = options.now ?? Date.now
  const watched = new Set<Watched>()
  const end = (entry: Watched, error: TesseraError): void => {
    if (!watched.delete(entry)) return
    clearTimeout(entry.timer)
    entry.onChange({ type: 'end', error })
  }
  // S51: a grant lives no longer than its token.
  const armExpiry = (entry: Watched): void => {
    const expiresAtMs = entry.grant.caller.user?.expiresAtMs
    if (expiresAtMs === undefined || !watched.has(entry)) return
    const remainingMs = expiresAtMs - now()
    entry.timer =
      remainingMs > maxTimerMs
        ? setTimeout(() => {
            armExpiry(entry)
          }, maxTimerMs)
        : setTimeout(
            () => {
              end(
                entry,
                new TesseraError('UNAUTHORIZED', 'the token expired; reconnect with a new token'),
              )
            },
            Math.max(0, remainingMs),
          )
    entry.timer.unref()
  }
  const check = async (entry: Watched): Promise<void> => {
    const revocation = control.revocationOf(entry.grant.caller)
    if (revocation !== undefined) {
      end(entry, revocation)
      return
    }
    const permissions = await control.accessFor(entry.grant.caller, entry.table)
    if (!watched.has(entry)) return
    if (!permissions.canRead) {
      end(
        entry,
        new TesseraError(
          'FORBIDDEN',
          `you may no longer read table "${entry.table}": its rules changed; ask for a role that may`,
        ),
      )
    } else if (!isSamePermissions(permissions, entry.permissions)) {
      entry.permissions = permissions
      entry.onChange({ type: 'permissions', permissions })
    }
  }
  let queue = Promise.resolve()
  return {
    watch(grant, table, onChange) {
      const entry: Watched = { grant, table, permissions: grant.permissions, onChange }
      watched.add(entry)
      armExpiry(entry)
      // A revocation taken in while the connection was opening (loading its table) ends it too.
      const revocation = control.revocationOf(grant.caller)
      if (revocation !== undefined) {
        queueMicrotask(() => {
          end(entry, revocation)
        })
      }
      return () => {
        watched.delete(entry)
        clearTimeout(entry.timer)
      }
    },
    revalidate() {
      // One pass at a time, each over the grants open when it starts.
      queue = queue.then(async () => {
        for (const entry of [...watched]) {
          await check(entry).catch((error: unknown) => {
            options.logger.error(
              `checking the access of an open connection to "${entry.table}" failed`,
              error,
            )
          })
        }
      })
      return queue
    },
  }
}
