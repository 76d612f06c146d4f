// Calling subscribers safely: one handler's failure must not starve the others or break the Yjs
// transaction whose event is being delivered.

/**
 * Calls every handler with `value`, in order, over a copy of the collection (a handler may
 * unsubscribe). A handler that throws does not stop the others: its error is rethrown on its
 * own (an uncaught error of the host), after this call returns.
 */
export function notifyAll<T>(handlers: Iterable<(value: T) => void>, value: T): void {
  for (const handler of [...handlers]) {
    try {
      handler(value)
    } catch (error) {
      setTimeout(() => {
        throw error
      })
    }
  }
}
