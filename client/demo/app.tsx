// The demo page's root: checks the table name of the address (S115), connects the table
// through tessera/react (offline-first, with presence and the dev login's token), and shows
// the workspace, or what happened when the table was deleted.
import { useMemo, useState } from 'react'
import { checkTableName } from '../../src/index.js'
import type { ConnectTableOptions } from '../index.js'
import { useConnection } from '../react/index.js'
import { useNotices } from './notices.js'
import { useConnectionErrors, useUndoKeys } from './page-hooks.js'
import { messageOf, openTable, type Session } from './session.js'
import { deleteLocalCopy, storeNameOf } from './table-actions.js'
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
  return <TablePage session={session} />
}

function TablePage({ session }: { session: Session }) {
  const notices = useNotices()
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
