// The conflicts panel: this user's cell writes that a concurrent remote write replaced (S40),
// each with the choice to keep either value.
import type { Conflict } from '../../src/index.js'
import type { Connection } from '../index.js'
import { describeValue } from './values.js'

export function ConflictsPanel({
  conn,
  conflicts,
}: {
  conn: Connection
  conflicts: readonly Conflict[]
}) {
  if (conflicts.length === 0) return null
  return (
    <aside id="conflicts" className="panel" aria-label="conflicts">
      <h2>Conflicts</h2>
      <ul id="conflict-list">
        {conflicts.map((c) => {
          const who = conn.presence.userOf(c.by)?.name ?? `client ${c.by}`
          return (
            <li key={c.id} className="conflict-item">
              {`Row ${c.row.slice(0, 6)}…, ${c.column}: your "${describeValue(c.mine)}" was overwritten by ${who}'s "${describeValue(c.theirs)}".`}
              <br />
              <button
                onClick={() => {
                  conn.table.setCell(c.row, c.column, c.mine)
                }}
              >
                Keep mine
              </button>
              <button
                onClick={() => {
                  conn.conflicts.dismiss(c.id)
                }}
              >
                Keep theirs
              </button>
            </li>
          )
        })}
      </ul>
    </aside>
  )
}
