// Messages for the user that are not about one cell (a refused schema change, a lost
// connection): plain sentences that stay until dismissed, with an action where one helps.
import { useCallback, useMemo, useState } from 'react'
import { isTesseraError } from '../../src/index.js'
import { messageOf } from './session.js'

export interface Notice {
  readonly id: number
  readonly text: string
  readonly tone: 'error' | 'info'
  readonly action?: { readonly label: string; readonly run: () => void }
}

export interface Notices {
  readonly list: readonly Notice[]
  /** Shows an error (a TesseraError's message, without its code). */
  readonly error: (error: unknown) => void
  readonly info: (text: string, action?: Notice['action']) => void
  readonly dismiss: (id: number) => void
}

let nextId = 1

/** Why an error happened, said for a person; the code stays in the DOM for tests and support. */
function describe(error: unknown): string {
  if (isTesseraError(error, 'FORBIDDEN')) return `Not allowed: ${error.message}`
  if (isTesseraError(error, 'TABLE_NOT_FOUND'))
    return `This table no longer exists: ${error.message}`
  return messageOf(error)
}

export function useNotices(): Notices {
  const [list, setList] = useState<readonly Notice[]>([])
  const push = useCallback((notice: Omit<Notice, 'id'>) => {
    // The same sentence twice in a row (a burst of refused writes) shows once.
    setList((current) =>
      current.at(-1)?.text === notice.text
        ? current
        : [...current.slice(-3), { ...notice, id: nextId++ }],
    )
  }, [])
  const dismiss = useCallback((id: number) => {
    setList((current) => current.filter((notice) => notice.id !== id))
  }, [])
  return useMemo(
    () => ({
      list,
      error: (error: unknown) => {
        push({ text: describe(error), tone: 'error' })
      },
      info: (text: string, action?: Notice['action']) => {
        push({ text, tone: 'info', ...(action === undefined ? {} : { action }) })
      },
      dismiss,
    }),
    [list, push, dismiss],
  )
}

export function NoticeList({ notices }: { notices: Notices }) {
  return (
    <div className="notices" aria-live="polite">
      {notices.list.map((notice) => (
        <p
          key={notice.id}
          className={`notice ${notice.tone}`}
          role={notice.tone === 'error' ? 'alert' : 'status'}
        >
          <span>{notice.text}</span>
          {notice.action !== undefined && (
            <button
              onClick={() => {
                notice.action!.run()
                notices.dismiss(notice.id)
              }}
            >
              {notice.action.label}
            </button>
          )}
          <button
            className="close"
            aria-label="Dismiss"
            onClick={() => {
              notices.dismiss(notice.id)
            }}
          >
            ×
          </button>
        </p>
      ))}
    </div>
  )
}
