// The one bridge from an SDK event source (a connection, its presence, a table) to React: a
// value read when the source's event fires, handed to useSyncExternalStore as its snapshot.
import { useMemo, useSyncExternalStore } from 'react'

/** Subscribes `onChange` to the source's event; returns the unsubscribe function. */
export type Listen<S> = (source: S, onChange: () => void) => () => void

/**
 * The value `read(source)` returns, read again each time `listen` reports a change, and
 * `fallback` while there is no source. The value keeps its identity between changes (React
 * renders again only when an event fired and the value differs by `Object.is`).
 * `listen` and `read` must be stable functions (module-level), not closures made per render.
 */
export function useSourceValue<S, T>(
  source: S | undefined,
  listen: Listen<S>,
  read: (source: S) => T,
  fallback: T,
): T {
  const store = useMemo(() => {
    let value = source === undefined ? fallback : read(source)
    return {
      subscribe: (onChange: () => void): (() => void) => {
        if (source === undefined) return () => undefined
        const stop = listen(source, () => {
          value = read(source)
          onChange()
        })
        // An event may have fired between this render and the subscription.
        const now = read(source)
        if (!Object.is(now, value) && !sameItems(now, value)) {
          value = now
          onChange()
        }
        return stop
      },
      getSnapshot: (): T => value,
    }
    // `fallback`, `listen` and `read` are constants of the calling hook: only `source` counts.
  }, [source])
  return useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot)
}

/** True for two arrays with the same items in the same order (a re-read list that did not change). */
function sameItems(a: unknown, b: unknown): boolean {
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false
  return a.every((item, index) => Object.is(item, b[index]))
}
