// useConnection and useTable: a table connection owned by a component, opened after it mounts
// and closed when it unmounts or its options change.
import { useEffect, useRef, useState } from 'react'
import type { Table } from '../../src/index.js'
import { connectTable, type Connection } from '../connect-table.js'
import type { ConnectTableOptions } from '../options.js'

/** Called with what closing a connection threw; default: rethrown outside React (uncaught). */
export type OnCloseError = (error: unknown) => void

const rethrow: OnCloseError = (error) => {
  setTimeout(() => {
    throw error
  })
}

const classIds = new WeakMap<object, number>()
let nextClassId = 1

/** A text that changes exactly when the options ask for another connection. */
function keyOf(options: object): string {
  return JSON.stringify(options, (_key, value: unknown) => {
    if (typeof value !== 'function') return value
    let id = classIds.get(value)
    if (id === undefined) classIds.set(value, (id = nextClassId++))
    return `class ${id}`
  })
}

/**
 * Connects a table for as long as the component is mounted (S120). Returns undefined on the
 * first render, and whenever `options` is null (e.g. while a token is fetched); the connection
 * once it is open. New options with the same content keep the connection; different ones
 * close it and open another. Throws what `connectTable` throws (INVALID_ARGUMENT), to the
 * nearest error boundary.
 * @example
 * const conn = useConnection({ url: 'ws://127.0.0.1:1234', table: 'todos', offline: true })
 * const status = useConnectionStatus(conn)
 */
export function useConnection(
  options: ConnectTableOptions | null | undefined,
  onCloseError: OnCloseError = rethrow,
): Connection | undefined {
  return useOwned(options, connectTable, onCloseError)
}

/**
 * What `open(options)` returns, owned by the component: opened after it mounts, closed when it
 * unmounts or when options with other content (compared as JSON) replace it.
 */
export function useOwned<O extends object, C extends { close(): Promise<void> }>(
  options: O | null | undefined,
  open: (options: O) => C,
  onCloseError: OnCloseError = rethrow,
): C | undefined {
  const key = options == null ? null : keyOf(options)
  const latest = useRef({ options, onCloseError })
  latest.current = { options, onCloseError }
  const [opened, setOpened] = useState<{ key: string; conn: C }>()
  useEffect(() => {
    const { options: current, onCloseError: report } = latest.current
    if (key === null || current == null) return undefined
    const conn = open(current)
    setOpened({ key, conn })
    return () => {
      setOpened((shown) => (shown?.conn === conn ? undefined : shown))
      conn.close().catch(report)
    }
    // `open` is a module-level function of the calling hook: only the options' content counts.
  }, [key])
  return opened !== undefined && opened.key === key ? opened.conn : undefined
}

/**
 * The table of `useConnection(options)`: undefined until it is open.
 * @example
 * const table = useTable({ url, table: 'todos' })
 * const { rows } = useLiveQuery(table, { where: { done: false } })
 */
export function useTable(
  options: ConnectTableOptions | null | undefined,
  onCloseError?: OnCloseError,
): Table | undefined {
  return useConnection(options, onCloseError)?.table
}
