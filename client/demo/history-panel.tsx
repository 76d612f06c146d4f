// The row-history panel: who changed the selected row and its cell, and when, from the server's
// audit log (GET /tables/:table/rows/:id/audit, docs/security.md). It reloads when the row
// changes remotely or when this user's own edits are saved.
import { useEffect, useState } from 'react'
import type { RowId } from '../../src/index.js'
import type { Connection, Peer } from '../index.js'
import { messageOf, type Session } from './session.js'

interface Entry {
  readonly action: 'insert' | 'update' | 'delete'
  readonly columns: readonly string[]
  readonly userId: string | null
  readonly at: string
}

export interface HistoryPanelProps {
  readonly session: Session
  readonly conn: Connection
  readonly peers: readonly Peer[]
  /** The selected cell: its row id, its row number as shown, and its column. */
  readonly cell:
    { readonly row: string; readonly number: number; readonly column: string } | undefined
  readonly onClose: () => void
}

/** Counts the changes of `row` that the audit log may hold: remote ones, and saved local ones. */
function useRowVersion(conn: Connection, row: string | undefined): number {
  const [version, setVersion] = useState(0)
  useEffect(() => {
    if (row === undefined) return undefined
    const id = row as RowId
    const bump = () => {
      setVersion((v) => v + 1)
    }
    const stops = [
      conn.table.on('change', (change) => {
        const touched = change.updated.has(id) || change.added.has(id) || change.deleted.has(id)
        if (touched && change.source === 'remote') bump()
      }),
      conn.on('unsaved', (unsaved) => {
        if (unsaved === 0) bump()
      }),
    ]
    return () => {
      stops.forEach((stop) => {
        stop()
      })
    }
  }, [conn, row])
  return version
}

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' })
function ago(iso: string): string {
  const seconds = Math.round((Date.parse(iso) - Date.now()) / 1000)
  if (Math.abs(seconds) < 60) return relative.format(seconds, 'second')
  if (Math.abs(seconds) < 3600) return relative.format(Math.round(seconds / 60), 'minute')
  if (Math.abs(seconds) < 86_400) return relative.format(Math.round(seconds / 3600), 'hour')
  return relative.format(Math.round(seconds / 86_400), 'day')
}

export function HistoryPanel({ session, conn, peers, cell, onClose }: HistoryPanelProps) {
  const [entries, setEntries] = useState<readonly Entry[]>()
  const [problem, setProblem] = useState<string>()
  const version = useRowVersion(conn, cell?.row)
  useEffect(() => {
    if (cell === undefined) return
    let isCurrent = true
    const path = `/tables/${encodeURIComponent(conn.name)}/rows/${encodeURIComponent(cell.row)}/audit`
    session
      .api(path)
      .then(async (response) => {
        const body = (await response.json()) as { entries?: Entry[]; error?: { message: string } }
        if (!isCurrent) return
        setEntries(body.entries)
        setProblem(body.error?.message)
      })
      .catch((error: unknown) => {
        if (isCurrent) setProblem(messageOf(error))
      })
    return () => {
      isCurrent = false
    }
  }, [session, conn, cell?.row, version])

  const nameOf = (id: string | null): string => {
    if (id === null) return 'someone (no login)'
    if (id === conn.presence.user.id) return 'you'
    return peers.find((peer) => peer.user.id === id)?.user.name ?? id
  }
  const touches = (entry: Entry) =>
    entry.action !== 'update' || entry.columns.includes(cell?.column ?? '')
  const newest = [...(entries ?? [])].reverse()
  const last = newest.find(touches)
  return (
    <aside id="history" className="panel" aria-label="row history">
      <h2>
        History{' '}
        <button className="close" aria-label="Close history" onClick={onClose}>
          ×
        </button>
      </h2>
      {cell === undefined ? (
        <p className="muted">Select a cell to see who changed it, and when.</p>
      ) : (
        <>
          <p className="history-summary">
            Row {cell.number}, <strong>{cell.column}</strong>:{' '}
            {last === undefined
              ? 'no recorded change yet'
              : `last changed by ${nameOf(last.userId)}, ${ago(last.at)}`}
          </p>
          {problem !== undefined && <p className="field-error">{problem}</p>}
          <ol className="history-list">
            {newest.map((entry, index) => (
              <li
                key={index}
                className={touches(entry) ? 'touches-cell' : ''}
                title={new Date(entry.at).toLocaleString()}
              >
                <span className="who">{nameOf(entry.userId)}</span>{' '}
                {entry.action === 'insert'
                  ? 'created the row'
                  : entry.action === 'delete'
                    ? 'deleted the row'
                    : `changed ${entry.columns.join(', ')}`}
                <span className="when"> · {ago(entry.at)}</span>
              </li>
            ))}
          </ol>
        </>
      )}
    </aside>
  )
}
