// The Fanout port over Redis sharded pub/sub (ioredis): one connection publishes, one listens.
// After a lost connection it subscribes again itself, then emits `up` so callers catch up.
import { Redis } from 'ioredis'
import { TesseraError } from '../../src/index.js'
import type { Fanout, Unsubscribe } from '../fanout.js'

/** Options of `createRedisFanout`. */
export interface RedisFanoutOptions {
  /** `redis://[user:password@]host:6379[/db]` or `rediss://` for TLS. */
  url: string
  /** Receives connection failures, once per outage; default: ignored. */
  onError?: (error: TesseraError) => void
}

const failure = (what: string, cause: unknown): TesseraError =>
  new TesseraError(
    'STORAGE_FAILURE',
    `Redis: ${what}: ${cause instanceof Error ? cause.message : String(cause)}`,
    { cause },
  )

/**
 * Connects to Redis (SPUBLISH/SSUBSCRIBE, Redis 7 or later; a Redis Cluster keeps each channel in
 * the slot of its hash tag). Publishing while disconnected rejects at once instead of queueing.
 * @throws STORAGE_FAILURE when Redis cannot be reached at start
 */
export async function createRedisFanout(options: RedisFanoutOptions): Promise<Fanout> {
  const settings = {
    lazyConnect: true,
    enableOfflineQueue: false,
    autoResubscribe: false,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt: number) => Math.min(attempt * 100, 2000),
  }
  const publisher = new Redis(options.url, settings)
  const subscriber = new Redis(options.url, settings)
  const handlers = new Map<string, (message: Uint8Array) => void>()
  const listeners = { up: new Set<() => void>(), down: new Set<() => void>() }
  let isDown = false
  let isClosed = false
  let hasReported = false
  const onError = (error: Error): void => {
    if (hasReported || isClosed) return
    hasReported = true
    options.onError?.(failure('the connection failed; retrying', error))
  }
  publisher.on('error', onError)
  subscriber.on('error', onError)
  subscriber.on('smessageBuffer', (channel: Buffer, message: Buffer) => {
    handlers.get(channel.toString())?.(new Uint8Array(message))
  })
  subscriber.on('close', () => {
    if (isDown || isClosed) return
    isDown = true
    for (const handler of listeners.down) handler()
  })
  subscriber.on('ready', () => {
    if (!isDown || isClosed) return
    // S91: subscribe again first, then say `up`: what is read after that misses nothing.
    const channels = [...handlers.keys()]
    const subscribed =
      channels.length === 0 ? Promise.resolve() : subscriber.ssubscribe(...channels)
    subscribed.then(
      () => {
        isDown = false
        hasReported = false
        for (const handler of listeners.up) handler()
      },
      (cause: unknown) => {
        options.onError?.(failure('subscribing again failed', cause))
        subscriber.disconnect(true)
      },
    )
  })
  try {
    await Promise.all([publisher.connect(), subscriber.connect()])
  } catch (cause) {
    isClosed = true
    publisher.disconnect()
    subscriber.disconnect()
    throw new TesseraError(
      'STORAGE_FAILURE',
      `cannot reach Redis: ${cause instanceof Error ? cause.message : String(cause)}; check the URL and that Redis runs`,
      { cause },
    )
  }

  return {
    get isUp() {
      return !isDown && !isClosed
    },
    async subscribe(channel, handler) {
      handlers.set(channel, handler)
      const unsubscribe: Unsubscribe = () => {
        if (handlers.get(channel) !== handler) return
        handlers.delete(channel)
        if (subscriber.status === 'ready') subscriber.sunsubscribe(channel).catch(() => undefined)
      }
      // While disconnected the channel is subscribed with the others when Redis is back.
      if (subscriber.status === 'ready') {
        await subscriber.ssubscribe(channel).catch((cause: unknown) => {
          options.onError?.(failure(`subscribing to ${channel} failed`, cause))
        })
      }
      return unsubscribe
    },
    async publish(channel, message) {
      await publisher.spublish(
        channel,
        Buffer.from(message.buffer, message.byteOffset, message.byteLength),
      )
    },
    on(event, handler) {
      listeners[event].add(handler)
      return () => {
        listeners[event].delete(handler)
      }
    },
    async close() {
      if (isClosed) return
      isClosed = true
      await Promise.allSettled([publisher.quit(), subscriber.quit()])
      publisher.disconnect()
      subscriber.disconnect()
    },
  }
}
