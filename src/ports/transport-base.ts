// What every Transport adapter shares: the open/closed state, closing once, dropping messages
// after a close, and the handler lists. An adapter only forwards its host's events to it.
import { cutCloseReason } from '../wire/close-codes.js'
import type { Transport, TransportClose, TransportEvents } from './transport.js'

/** The operations of the host's connection (a socket, a channel) that the base drives. */
export interface TransportChannel {
  /** Hands one message to the host; called only while open. False: the host refused it. */
  send(message: Uint8Array): boolean
  /** Starts the host's close; called once, with a reason that fits a close frame. */
  close(code: number, reason: string): void
  /** Bytes the host holds that the other end has not taken yet. */
  readonly bufferedBytes: number
}

/** A Transport plus the calls through which an adapter reports its host's events. */
export interface TransportBase {
  readonly transport: Transport
  /** The host's connection opened. */
  opened(): void
  /** The host received one whole message. */
  received(message: Uint8Array): void
  /** The host's connection closed without `transport.close` (the other end, the network). */
  closed(close: TransportClose): void
}

type Handlers = { [E in keyof TransportEvents]: Set<TransportEvents[E]> }

/**
 * Builds the Transport of an adapter over `channel`; `isOpen` tells whether the host's
 * connection is open already (a server's accepted socket) or still connecting.
 * @example
 * const base = createTransportBase({ send, close, bufferedBytes: 0 }, { isOpen: true })
 * socket.onmessage = (event) => base.received(new Uint8Array(event.data))
 */
export function createTransportBase(
  channel: TransportChannel,
  options: { isOpen: boolean },
): TransportBase {
  const handlers: Handlers = { open: new Set(), message: new Set(), close: new Set() }
  let state: 'connecting' | 'open' | 'closed' = options.isOpen ? 'open' : 'connecting'

  const finish = (close: TransportClose): void => {
    if (state === 'closed') return
    state = 'closed'
    for (const handler of [...handlers.close]) handler(close)
    for (const set of Object.values(handlers)) set.clear()
  }

  const transport: Transport = {
    get isOpen() {
      return state === 'open'
    },
    get bufferedBytes() {
      return channel.bufferedBytes
    },
    send(message) {
      return state === 'open' && channel.send(message)
    },
    close(code, reason) {
      if (state === 'closed') return
      const cut = cutCloseReason(reason)
      channel.close(code, cut)
      finish({ code, reason: cut })
    },
    on(event, handler) {
      const set = handlers[event] as Set<typeof handler>
      if (state !== 'closed') set.add(handler)
      return () => {
        set.delete(handler)
      }
    },
  }

  return {
    transport,
    opened() {
      if (state !== 'connecting') return
      state = 'open'
      for (const handler of [...handlers.open]) handler()
    },
    received(message) {
      const { message: listeners } = handlers
      // Every message passes here: a lone handler is called without copying the list.
      if (listeners.size === 1) {
        const only = listeners.values().next().value!
        if (state === 'open') only(message)
        return
      }
      for (const handler of [...listeners]) {
        // A handler may close the transport: the rest of this message is not delivered then.
        if (state !== 'open') return
        handler(message)
      }
    },
    closed: finish,
  }
}
