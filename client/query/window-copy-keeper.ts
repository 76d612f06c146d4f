// Keeps a window client's offline copy: puts the stored copy back before the first connection,
// then stores the window's answer and unsaved edits after every change, one write at a time and
// only when the bytes changed. Knows the CopyStore port, not IndexedDB.
import type { TesseraError } from '../../src/index.js'
import type { WindowClient } from './window-client.js'
import { decodeSavedWindow, encodeSavedWindow, type CopyStore } from './window-copy.js'

/** The offline copy of one window client (one that keeps nothing without a store). */
export interface WindowCopyKeeper {
  /** Resolves once the stored copy is back in the client (at once without a store). */
  readonly whenLoaded: Promise<void>
  /** Resolves once the copy holds the client's state as of this call. */
  whenStored(): Promise<void>
  /** Stores the last state, stops following the client and closes the store. */
  close(): Promise<void>
}

const sameBytes = (a: Uint8Array | undefined, b: Uint8Array): boolean =>
  a !== undefined && a.length === b.length && a.every((byte, index) => byte === b[index])

/** Keeps `client`'s copy in `store`; failures of background writes go to `onError`. */
export function keepWindowCopy(
  store: CopyStore | undefined,
  client: WindowClient,
  onError: (error: TesseraError) => void,
): WindowCopyKeeper {
  if (store === undefined) {
    return {
      whenLoaded: Promise.resolve(),
      whenStored: () => Promise.resolve(),
      close: () => Promise.resolve(),
    }
  }
  let stored: Uint8Array | undefined
  let writing: Promise<void> = Promise.resolve()
  let isLoaded = false
  /** Queues a write of the current state after the writes before it. */
  const write = (): Promise<void> => {
    if (!isLoaded) return writing
    // A failed write is reported; the next one starts from the last stored bytes.
    const next = writing
      .catch(() => undefined)
      .then(async () => {
        const bytes = encodeSavedWindow(client.saved())
        if (sameBytes(stored, bytes)) return
        await store.save(bytes)
        stored = bytes
      })
    next.catch((error: unknown) => {
      onError(error as TesseraError)
    })
    writing = next
    return next
  }
  let isScheduled = false
  const stop = client.events.on('change', () => {
    // One write for the changes of one task.
    if (isScheduled) return
    isScheduled = true
    queueMicrotask(() => {
      isScheduled = false
      void write().catch(() => undefined)
    })
  })
  const whenLoaded = (async () => {
    try {
      const bytes = await store.load()
      if (bytes !== undefined) {
        client.restore(decodeSavedWindow(bytes))
        stored = bytes
      }
    } finally {
      isLoaded = true
    }
  })()
  return {
    whenLoaded,
    whenStored: () => write(),
    async close() {
      stop()
      await whenLoaded.catch(() => undefined)
      await write().catch(() => undefined)
      await store.close()
    },
  }
}
