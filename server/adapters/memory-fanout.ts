// The Fanout port in one process: nodes created from one hub see each other's messages. For unit
// tests of the cluster logic; a test can cut a node off and bring it back (down/up).
import type { Fanout, Unsubscribe } from '../fanout.js'

/** An in-process broker shared by the fanouts created from it. */
export interface MemoryFanoutHub {
  /** A node's connection to the hub. */
  connect(): MemoryFanout
}

/** A Fanout whose connection a test can cut. */
export interface MemoryFanout extends Fanout {
  /** Loses the connection: messages published meanwhile never reach this node. */
  cut(): void
  /** Restores the connection and emits `up`. */
  restore(): void
}

/** Creates a hub; delivery is asynchronous (a microtask), in publish order. */
export function createMemoryFanoutHub(): MemoryFanoutHub {
  const nodes = new Set<{ isUp: boolean; deliver(channel: string, message: Uint8Array): void }>()
  return {
    connect() {
      const handlers = new Map<string, Set<(message: Uint8Array) => void>>()
      const listeners = { up: new Set<() => void>(), down: new Set<() => void>() }
      let isUp = true
      const node = {
        get isUp() {
          return isUp
        },
        deliver(channel: string, message: Uint8Array) {
          for (const handler of handlers.get(channel) ?? []) handler(message)
        },
      }
      nodes.add(node)
      const fanout: MemoryFanout = {
        get isUp() {
          return isUp
        },
        subscribe(channel, handler) {
          let set = handlers.get(channel)
          if (set === undefined) handlers.set(channel, (set = new Set()))
          set.add(handler)
          const unsubscribe: Unsubscribe = () => {
            set.delete(handler)
          }
          return Promise.resolve(unsubscribe)
        },
        publish(channel, message) {
          if (!isUp) return Promise.reject(new Error('the fanout is disconnected'))
          const copy = message.slice()
          queueMicrotask(() => {
            for (const other of nodes) if (other.isUp) other.deliver(channel, copy)
          })
          return Promise.resolve()
        },
        on(event, handler) {
          listeners[event].add(handler)
          return () => {
            listeners[event].delete(handler)
          }
        },
        cut() {
          isUp = false
          for (const handler of listeners.down) handler()
        },
        restore() {
          isUp = true
          for (const handler of listeners.up) handler()
        },
        close() {
          isUp = false
          nodes.delete(node)
          return Promise.resolve()
        },
      }
      return fanout
    },
  }
}
