// The Fanout port: publish/subscribe of bytes between the nodes of one deployment (Redis in
// production, an in-process hub in unit tests). Knows nothing about tables, Yjs or PostgreSQL.

/** Unsubscribes a handler. */
export type Unsubscribe = () => void

/**
 * Best-effort messages between nodes: a message published while a subscriber is connected
 * reaches it once, in the order that publisher published; nothing is kept for a subscriber that
 * was disconnected. After such a gap the adapter emits `up`, and callers catch up from the store.
 */
export interface Fanout {
  /**
   * Delivers every message later published on `channel` to `handler`. Resolves once the
   * subscription is active, or at once while disconnected (it becomes active with the next `up`).
   */
  subscribe(channel: string, handler: (message: Uint8Array) => void): Promise<Unsubscribe>
  /** Publishes; rejects (never throws) when the message could not be handed to the broker. */
  publish(channel: string, message: Uint8Array): Promise<void>
  /** `down`: the connection was lost; `up`: it is back and every subscription is active again. */
  on(event: 'down' | 'up', handler: () => void): Unsubscribe
  /** True while connected. */
  readonly isUp: boolean
  /** Disconnects; later calls are ignored. */
  close(): Promise<void>
}
