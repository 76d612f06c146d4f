// The top bar: which table (open, create, delete), the connection (status, saved changes,
// online toggle, role) and who else is here.
import { useEffect, useState, type FormEvent } from 'react'
import { checkTableName } from '../../src/index.js'
import type { Connection } from '../index.js'
import { useConnectionStatus, usePermissions, usePresence, useSaved } from '../react/index.js'
import type { Notices } from './notices.js'
import { peerColors } from './peers.js'
import { messageOf, openTable, type Session } from './session.js'

/** The tables the server lists (for this user), with the open one among them. */
function useTableNames(session: Session): string[] {
  const [names, setNames] = useState<string[]>([session.table])
  useEffect(() => {
    session
      .api('/tables')
      .then(async (response) =>
        response.ok ? ((await response.json()) as { tables: string[] }) : undefined,
      )
      .then((body) => {
        const listed = new Set(body?.tables ?? [])
        listed.add(session.table)
        setNames([...listed].sort())
      })
      // Offline: the picker shows the open table only.
      .catch(() => undefined)
  }, [session])
  return names
}

function CreateTable() {
  const [name, setName] = useState('')
  const [problem, setProblem] = useState<string>()
  const submit = (event: FormEvent) => {
    event.preventDefault()
    const trimmed = name.trim()
    if (trimmed === '') return
    try {
      openTable(checkTableName(trimmed, 'Table name'), { create: '1' })
    } catch (error) {
      setProblem(messageOf(error))
    }
  }
  return (
    <form className="inline" onSubmit={submit}>
      <input
        id="new-table-name"
        placeholder="new table name"
        aria-label="new table name"
        value={name}
        onChange={(event) => {
          setName(event.target.value)
          setProblem(undefined)
        }}
      />
      <button type="submit">Create</button>
      {problem !== undefined && (
        <span className="field-error" role="alert">
          {problem}
        </span>
      )}
    </form>
  )
}

function Status({ conn }: { conn: Connection | undefined }) {
  const status = useConnectionStatus(conn)
  const { unsaved } = useSaved(conn)
  const [isOnline, setOnline] = useState(conn?.isOnline ?? true)
  useEffect(() => {
    setOnline(conn?.isOnline ?? true)
  }, [conn])
  return (
    <>
      <span id="status" className="badge" data-status={status}>
        {status}
      </span>
      <span id="saved" className="badge" data-unsaved={unsaved}>
        {unsaved === 0
          ? 'All changes saved'
          : `${unsaved} unsaved change${unsaved === 1 ? '' : 's'}`}
      </span>
      <label className="toggle">
        <input
          id="online"
          type="checkbox"
          checked={isOnline}
          onChange={(event) => {
            const online = event.target.checked
            setOnline(online)
            if (online) conn?.connect()
            else conn?.disconnect()
            localStorage.setItem(`tessera-demo-offline:${conn?.name ?? ''}`, online ? '0' : '1')
          }}
        />{' '}
        Online
      </label>
    </>
  )
}

function Peers({ conn }: { conn: Connection | undefined }) {
  const { user, peers } = usePresence(conn)
  const colors = peerColors(user, peers)
  return (
    <span id="peers" className="peers">
      {user !== undefined && (
        <span className="peer" style={{ background: user.color }}>{`${user.name} (you)`}</span>
      )}
      {peers.map((peer, index) => (
        <span key={peer.clientId} className="peer" style={{ background: colors[index] }}>
          {peer.user.name}
        </span>
      ))}
    </span>
  )
}

export interface TableBarProps {
  readonly session: Session
  readonly conn: Connection | undefined
  readonly notices: Notices
  readonly onDeleteTable: () => void
}

export function TableBar({ session, conn, onDeleteTable }: TableBarProps) {
  const names = useTableNames(session)
  const permissions = usePermissions(conn)
  const isReadOnly =
    permissions !== undefined && !permissions.canInsertRows && !permissions.canUpdateRows
  return (
    <header className="toolbar">
      <strong className="brand">Tessera</strong>
      <label>
        Table{' '}
        <select
          id="table-picker"
          aria-label="table"
          value={session.table}
          onChange={(event) => {
            openTable(event.target.value)
          }}
        >
          {names.map((name) => (
            <option key={name}>{name}</option>
          ))}
        </select>
      </label>
      <CreateTable />
      <button
        id="delete-table"
        disabled={permissions?.canAdminister !== true}
        onClick={onDeleteTable}
      >
        Delete table…
      </button>
      <span className="spacer" />
      <Status conn={conn} />
      {isReadOnly && (
        <span id="access" className="badge" title="Your token may only read this table">
          read-only
        </span>
      )}
      {session.login !== undefined && (
        <select
          id="role"
          aria-label="role"
          title="Logged in with this role (dev login)"
          value={session.login.user.roles[0] ?? 'editor'}
          onChange={(event) => {
            openTable(session.table, { role: event.target.value, user: session.user.name })
          }}
        >
          {['reader', 'editor', 'admin'].map((role) => (
            <option key={role}>{role}</option>
          ))}
        </select>
      )}
      <Peers conn={conn} />
    </header>
  )
}
