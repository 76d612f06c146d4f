// The Import CSV / Export CSV buttons (client/demo/csv-buttons.ts, a DOM module of their own)
// mounted in the edit bar for the open table, with their errors shown as notices.
import { useEffect, useRef } from 'react'
import { mountCsvButtons } from './csv-buttons.js'
import type { Notices } from './notices.js'
import type { Session } from './session.js'

/** The CSV buttons of the open table; they stay mounted while the session lasts. */
export function CsvTools({ session, notices }: { session: Session; notices: Notices }) {
  const host = useRef<HTMLSpanElement>(null)
  // The notices change with every message: the buttons stay mounted and use the newest.
  const latest = useRef(notices)
  latest.current = notices
  useEffect(() => {
    if (host.current === null) return undefined
    return mountCsvButtons(host.current, {
      table: () => session.table,
      token: () => session.login?.token,
      onError: (message) => {
        latest.current.error(new Error(message))
      },
    })
  }, [session])
  return <span id="csv" className="csv" ref={host} />
}
