// What the client does with the server's notices (docs/protocol.md §3–5): permissions set the
// write guard (S57–S58), refused writes are reverted (S59) or reported, failed saves reported.
import type { Table, TesseraError } from '../src/index.js'
import type { TablePermissions } from '../src/internal.js'
import { noticeError } from './notice-errors.js'
import { guardFor, isReadOnly } from './permissions.js'
import type { Reverter } from './revert.js'
import type { Notice } from './sync-session.js'

/** The permissions last announced, and the handler of every notice. */
export interface Notices {
  readonly permissions: TablePermissions | undefined
  handle(notice: Notice): void
}

export interface NoticeContext {
  readonly table: Table
  readonly tableName: string
  readonly reverter: Reverter
  /** True when the local copy may hold something the server refused: an edit, an offline copy. */
  mayHoldRefused(): boolean
  report(error: TesseraError): void
  onPermissions(permissions: TablePermissions): void
}

/** Creates the notice handling of one connection. */
export function createNotices(context: NoticeContext): Notices {
  let permissions: TablePermissions | undefined
  return {
    get permissions() {
      return permissions
    },
    handle(notice) {
      switch (notice.type) {
        case 'permissions':
          permissions = notice.permissions
          context.table.setWriteGuard(guardFor(context.tableName, permissions))
          context.onPermissions(permissions)
          return
        case 'not-saved':
          context.report(noticeError(notice))
          return
        case 'error':
          if (permissions !== undefined && isReadOnly(permissions)) {
            // S59: the server kept nothing of what we sent; the local copy goes back to its
            // state. Without an edit or an offline copy, all that was refused is the metadata
            // every fresh doc writes: nothing to revert, and no copy of the server's to keep.
            if (context.mayHoldRefused()) context.reverter.onRefused(notice.message)
            return
          }
          context.report(noticeError(notice))
          return
        case 'permission-denied':
          context.report(noticeError(notice))
          return
      }
    },
  }
}
