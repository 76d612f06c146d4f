// The demo page's root: checks the table name of the address (S115), connects the table
// through tessera/react (offline-first, with presence and the dev login's token), and shows
// the workspace, or what happened when the table was deleted. A big table shows a window first
// and switches to the whole table once it is loaded behind it (S177).
import { useCallback, useMemo, useState } from 'react'
import { checkTableName } from '../../src/index.js'
import type { Connection } from '../index.js'
import { useConnection } from '../react/index.js'
import { useNotices, type Notices } from './notices.js'
import { useConnectionErrors, useUndoKeys } from './page-hooks.js'
import { messageOf, openTable, type Session } from './session.js'
import { deleteLocalCopy } from './table-actions.js'
import { fullOptions, useWholeTable } from './whole-table.js'
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
  if (mode.mode === 'window' && new URLSearchParams(location.search).get('mode') === 'window')
    return <WindowPage session={session} rowCount={mode.rowCount} notices={notices} />
  if (mode.mode === 'window')
    return <BehindPage session={session} rowCount={mode.rowCount} notices={notices} />
  return <TablePage session={session} notices={notices} />
}

/**
 * S177: the window first; the whole table loads behind it once the window is painted, and the
 * page switches to it when it is in and the window's edits are saved.
 */
function BehindPage(props: { session: Session; rowCount: number | undefined; notices: Notices }) {
  const [isPainted, setPainted] = useState(false)
  const [isSwitched, setSwitched] = useState(false)
  const whole = useWholeTable(props.session, isPainted, props.rowCount)
  const onPainted = useCallback(() => {
    setPainted(true)
  }, [])
  const onSwitch = useCallback(() => {
    setSwitched(true)
  }, [])
  if (isSwitched && whole.conn !== undefined)
    return <FullTable session={props.session} conn={whole.conn} notices={props.notices} />
  return <WindowPage {...props} behind={{ whole, onPainted, onSwitch }} />
}

function TablePage({ session, notices }: { session: Session; notices: Notices }) {
  const [isDeleted, setDeleted] = useState(false)
  const options = useMemo(() => fullOptions(session), [session])
  const conn = useConnection(isDeleted ? null : options)
  return (
    <FullTable
      session={session}
      conn={conn}
      notices={notices}
      onDeleted={() => {
        setDeleted(true)
      }}
    />
  )
}

/** The whole table in the workspace, or what happened when it was deleted. */
function FullTable(props: {
  session: Session
  conn: Connection | undefined
  notices: Notices
  onDeleted?: () => void
}) {
  const { session, conn, notices } = props
  const [isDeleted, setDeleted] = useState(false)
  // S117: someone deleted the table: drop the offline copy too, so it does not come back.
  useConnectionErrors(conn, notices, () => {
    setDeleted(true)
    props.onDeleted?.()
    deleteLocalCopy(session.table).catch(notices.error)
  })
  useUndoKeys(conn)
  if (isDeleted) return <Message title={`Table “${session.table}” was deleted`} />
  return <Workspace session={session} conn={conn} notices={notices} />
}
