// The demo page's root: checks the table name of the address (S115), connects the table
// through tessera/react (offline-first, with presence and the dev login's token), and shows
// the workspace, or what happened when the table was deleted.
import { useMemo, useState } from 'react'
import { checkTableName } from '../../src/index.js'
import type { ConnectTableOptions } from '../index.js'
import { useConnection } from '../react/index.js'
import { useNotices, type Notices } from './notices.js'
import { useConnectionErrors, useUndoKeys } from './page-hooks.js'
import { messageOf, openTable, type Session } from './session.js'
import { deleteLocalCopy, storeNameOf } from './table-actions.js'
import { WindowPage } from './window-page.js'
import { useTableMode } from './window-mode.js'
import { Workspace } from './workspace.js'

function Message({ title, text }: { title: string; text?: string }) {
  return (
    <main className="message-page" role="alert">
      <h1>{title}</h1>
      {text !== undefined && <p>{text}</p>}
      <button
        onClick={() => {
          openTable('demo')
        }}
      >
        Open the demo table
      </button>
    </main>
  )
}

export function App({ session }: { session: Session }) {
  const problem = useMemo(() => {
    try {
      checkTableName(session.table, 'The table name in the address')
      return undefined
    } catch (error) {
      return messageOf(error)
    }
  }, [session])
  if (problem !== undefined)
    return <Message title="This table cannot be opened" text={`${problem}.`} />
  return <ModePage session={session} />
}

/** Full replica or window (window-mode.ts), once the server said how big the table is. */
function ModePage({ session }: { session: Session }) {
  const mode = useTableMode(session)
  const notices = useNotices()
  if (mode === undefined) return <main className="loading">Opening “{session.table}”…</main>
  if (mode.mode === 'window')
    return <WindowPage session={session} rowCount={mode.rowCount} notices={notices} />
  return <TablePage session={session} notices={notices} />
}

function TablePage({ session, notices }: { session: Session; notices: Notices }) {
  const [isDeleted, setDeleted] = useState(false)
  const options = useMemo(
    (): ConnectTableOptions => ({
      url: location.origin,
      table: session.table,
      offline: { name: storeNameOf(session.table) },
      user: session.user,
      ...(session.login === undefined ? {} : { token: session.login.token }),
      connect: localStorage.getItem(`tessera-demo-offline:${session.table}`) !== '1',
    }),
    [session],
  )
  const conn = useConnection(isDeleted ? null : options)
  // S117: someone deleted the table: drop the offline copy too, so it does not come back.
  useConnectionErrors(conn, notices, () => {
    setDeleted(true)
    deleteLocalCopy(session.table).catch(notices.error)
  })
  useUndoKeys(conn)
  if (isDeleted) return <Message title={`Table “${session.table}” was deleted`} />
  return <Workspace session={session} conn={conn} notices={notices} />
}
