// The reference Transport adapter: two ends joined in memory. The test decides when messages
// are delivered (or lets them go in the next microtask). Used by tests and as the model the
// WebSocket adapters are checked against (the contract suite).
import { createTransportBase, type TransportBase } from './transport-base.js'
import type { Transport, TransportClose } from './transport.js'

/** Two joined transports and the queue between them. */
export interface MemoryTransportPair {
  readonly a: Transport
  readonly b: Transport
  /** Messages and closes sent and not delivered yet, both directions. */
  readonly pending: number
  /** Delivers the oldest pending message or close; false when nothing was pending. */
  deliverOne(): boolean
  /** Delivers until nothing is pending, including what the deliveries send; returns how many. */
  deliverAll(): number
}

export interface MemoryTransportOptions {
  /** True: nothing moves until `deliverOne`/`deliverAll`. Default false: each send is delivered in a microtask. */
  isManual?: boolean
}

type Delivery =
  | { to: TransportBase; from: Side; kind: 'message'; message: Uint8Array }
  | { to: TransportBase; from: Side; kind: 'close'; close: TransportClose }

interface Side {
  base: TransportBase
  buffered: number
}

/**
 * Creates two transports joined in memory, both open. Messages are copied when sent.
 * @example
 * const pair = createMemoryTransportPair({ isManual: true })
 * pair.a.send(bytes)
 * pair.deliverAll()
 */
export function createMemoryTransportPair(
  options: MemoryTransportOptions = {},
): MemoryTransportPair {
  const queue: Delivery[] = []
  const deliverOne = (): boolean => {
    const next = queue.shift()
    if (next === undefined) return false
    if (next.kind === 'close') next.to.closed(next.close)
    else {
      next.from.buffered -= next.message.byteLength
      next.to.received(next.message)
    }
    return true
  }
  const enqueue = (delivery: Delivery): void => {
    queue.push(delivery)
    if (options.isManual !== true)
      queueMicrotask(() => {
        deliverOne()
      })
  }
  const side = (other: () => Side): Side => {
    const self: Side = {
      buffered: 0,
      base: createTransportBase(
        {
          send(message) {
            self.buffered += message.byteLength
            enqueue({ to: other().base, from: self, kind: 'message', message: message.slice() })
            return true
          },
          close(code, reason) {
            enqueue({ to: other().base, from: self, kind: 'close', close: { code, reason } })
          },
          get bufferedBytes() {
            return self.buffered
          },
        },
        { isOpen: true },
      ),
    }
    return self
  }
  const a: Side = side(() => b)
  const b: Side = side(() => a)
  return {
    a: a.base.transport,
    b: b.base.transport,
    get pending() {
      return queue.length
    },
    deliverOne,
    deliverAll() {
      let count = 0
      while (deliverOne()) count++
      return count
    },
  }
}
