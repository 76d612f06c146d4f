// The idle timers of a server's rooms: a room with no peer and no hold left is unloaded after a
// delay unless it is used again first. Knows rooms only as keys.

/** One timer per idle room. */
export interface IdleTimers<K> {
  /** Starts `key`'s timer, unless it runs already. */
  start(key: K): void
  /** Stops `key`'s timer, if any: the room is in use again, or going away. */
  stop(key: K): void
  /** Stops every timer (shutdown). */
  stopAll(): void
}

/** Timers that call `onExpired(key)` once `delayMs` passed since `start(key)`; they never hold the process. */
export function createIdleTimers<K>(
  delayMs: number,
  onExpired: (key: K) => Promise<void>,
): IdleTimers<K> {
  const timers = new Map<K, NodeJS.Timeout>()
  return {
    start(key) {
      if (timers.has(key)) return
      const timer = setTimeout(() => {
        timers.delete(key)
        void onExpired(key)
      }, delayMs)
      timer.unref()
      timers.set(key, timer)
    },
    stop(key) {
      clearTimeout(timers.get(key))
      timers.delete(key)
    },
    stopAll() {
      for (const timer of timers.values()) clearTimeout(timer)
      timers.clear()
    },
  }
}
