// The page's popups: a column's menu, the box that renames a column over its header, and the
// confirmation before a table is deleted for everyone.
import type { Rectangle } from '@glideapps/glide-data-grid'
import type { Column } from '../../src/index.js'
import type { Connection } from '../index.js'
import { ColumnMenu, RenameBox } from './column-menu.js'
import type { GridApi } from './grid.js'
import type { Notices } from './notices.js'
import { openTable, type Session } from './session.js'
import { deleteTable } from './table-actions.js'
import type { ViewState } from './view-state.js'

/** Which popup is open. */
export type Popup =
  | { readonly kind: 'menu'; readonly column: Column; readonly bounds: Rectangle }
  | { readonly kind: 'rename'; readonly column: Column }
  | { readonly kind: 'delete-table' }

export interface PopupsProps {
  readonly popup: Popup | undefined
  readonly setPopup: (popup: Popup | undefined) => void
  readonly session: Session
  readonly conn: Connection
  readonly view: ViewState
  readonly shown: readonly Column[]
  readonly canAdminister: boolean
  readonly api: GridApi | undefined
  readonly notices: Notices
}

export function Popups({ popup, setPopup, conn, notices, ...props }: PopupsProps) {
  const close = () => {
    setPopup(undefined)
  }
  if (popup === undefined) return null
  if (popup.kind === 'menu')
    return (
      <ColumnMenu
        table={conn.table}
        column={popup.column}
        bounds={popup.bounds}
        view={props.view}
        canAdminister={props.canAdminister}
        onRename={() => {
          setPopup({ kind: 'rename', column: popup.column })
        }}
        onClose={close}
        onError={notices.error}
      />
    )
  if (popup.kind === 'rename') {
    const bounds = props.api?.headerBounds(props.shown.indexOf(popup.column))
    return (
      <RenameBox
        column={popup.column}
        bounds={bounds ?? { x: 0, y: 0, width: 160, height: 36 }}
        onRename={(name) => {
          try {
            conn.table.renameColumn(popup.column.name, name)
          } catch (error) {
            notices.error(error)
          }
        }}
        onClose={close}
      />
    )
  }
  return (
    <DeleteDialog
      table={conn.name}
      onCancel={close}
      onConfirm={() => {
        close()
        deleteTable(props.session, conn).then(() => {
          openTable('demo')
        }, notices.error)
      }}
    />
  )
}

function DeleteDialog(props: { table: string; onCancel: () => void; onConfirm: () => void }) {
  return (
    <div className="dialog-backdrop">
      <div className="dialog" role="dialog" aria-modal="true" aria-label="Delete table">
        <h2>Delete table “{props.table}”?</h2>
        <p>Every user loses it, with all its rows and columns. This cannot be undone.</p>
        <button autoFocus onClick={props.onCancel}>
          Cancel
        </button>{' '}
        <button id="confirm-delete-table" className="danger" onClick={props.onConfirm}>
          Delete for everyone
        </button>
      </div>
    </div>
  )
}
