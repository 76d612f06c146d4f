// The Transport port: one connection that carries whole messages as bytes, in order, until it
// closes. Knows nothing about WebSocket, sync or tables; adapters implement it.

/** Why a transport closed: a close code (docs/protocol.md §6) and a human-readable reason. */
export interface TransportClose {
  readonly code: number
  readonly reason: string
}

/** The events of a Transport and their handlers. */
export interface TransportEvents {
  /** The transport became open (only for one created while still connecting). */
  open: () => void
  /** One whole message from the other end. */
  message: (message: Uint8Array) => void
  /** The transport closed; fires once. */
  close: (close: TransportClose) => void
}

/**
 * One connection between two ends, carrying binary messages. Guarantees every adapter gives
 * (checked by `runTransportContract`, test/contract/transport.contract.ts; docs/semantics.md S64):
 * - messages arrive whole, once each and in the order they were sent, while both ends are open;
 * - `close(code, reason)` runs the local `close` handlers at once with that code and reason;
 *   the other end's `close` handlers run with the same code and reason after every message
 *   sent before the close has been delivered;
 * - `close` handlers run exactly once per end; after them no `message` handler runs and
 *   `send` returns false. Closing twice does nothing.
 *
 * Handlers must not throw: the adapter runs them inside its host's event dispatch.
 */
export interface Transport {
  /** True while messages can be sent: after `open`, before `close`. */
  readonly isOpen: boolean
  /** Bytes handed to `send` that the other end has not taken yet (the backpressure signal). */
  readonly bufferedBytes: number
  /**
   * Sends one message; false when the transport is not open (then nothing is sent). The bytes
   * may be kept until delivered: do not change them after the call.
   */
  send(message: Uint8Array): boolean
  /** Closes with a close code and a reason (cut to the 123 bytes a close frame carries). */
  close(code: number, reason: string): void
  /** Subscribes to an event; returns the function that unsubscribes. */
  on<E extends keyof TransportEvents>(event: E, handler: TransportEvents[E]): () => void
}
