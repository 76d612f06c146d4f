// Per-connection and per-server limits that keep one peer from starving the others: message and
// byte rates, the send buffer of a slow reader, connections per IP, connections still opening.
// Pure bookkeeping with an injectable clock; the connection closes the socket.
import { Counter, type Registry } from 'prom-client'
import { TesseraError } from '../src/index.js'
import type { AnswerBudgetOptions } from './answer-budget.js'
import type { UpdateBudget } from './update-check.js'

/** The limit options (docs/operations.md, "Limits"). */
export interface LimitOptions extends UpdateBudget, AnswerBudgetOptions {
  maxMessageBytes: number
  maxMessagesPerSecond: number
  maxBytesPerSecond: number
  maxBufferedBytes: number
  maxConnectionsPerIp: number
  maxPendingConnections: number
  maxPendingBytes: number
}

/** Why a connection was closed by a limit: the label of `tessera_connections_limited_total`. */
export type LimitReason =
  'message_rate' | 'byte_rate' | 'slow_consumer' | 'per_ip' | 'pending' | 'pending_bytes'

/** The limits one connection is held to. */
export interface ConnectionLimits {
  readonly budget: UpdateBudget
  /** What this connection's sync requests may make the server send (server/answer-budget.ts). */
  readonly answerBudget: AnswerBudgetOptions
  /** Counts one received message; returns the error to close with when it breaks a limit. */
  receive(bytes: number, isOpen: boolean): TesseraError | undefined
  /** True once the socket's unsent bytes exceed `maxBufferedBytes` (it is counted once). */
  isSlow(bufferedBytes: number): boolean
  /**
   * True when a presence message of `messageBytes` may be sent: it keeps the unsent bytes
   * under half of `maxBufferedBytes`, so presence alone never makes a reader slow (S72).
   */
  canSendPresence(bufferedBytes: number, messageBytes: number): boolean
  /** The connection finished opening (authenticated, room loaded). */
  opened(): void
  /** The socket closed; frees its place. Idempotent. */
  closed(): void
}

/** The server's limits: admits connections and gives each a guard. */
export interface Limits {
  /** A guard for a new connection from `ip`, or the error to close it with at once. */
  admit(ip: string): ConnectionLimits | TesseraError
}

const tooMany = (message: string): TesseraError => new TesseraError('TOO_MANY_REQUESTS', message)

/** A token bucket refilled at `perSecond`, holding at most `capacity`. */
const createBucket = (perSecond: number, capacity: number, now: () => number) => {
  let tokens = capacity
  let last = now()
  return (amount: number): boolean => {
    const time = now()
    tokens = Math.min(capacity, tokens + ((time - last) / 1000) * perSecond)
    last = time
    tokens -= amount
    return tokens >= 0
  }
}

/** Creates the server's limits; `registry` receives `tessera_connections_limited_total`. */
export function createLimits(
  options: LimitOptions,
  registry: Registry,
  now: () => number = Date.now,
): Limits {
  const limited = new Counter({
    name: 'tessera_connections_limited_total',
    help: 'Connections closed by a limit (rates, slow reader, per IP, still opening).',
    labelNames: ['reason'],
    registers: [registry],
  })
  const count = (reason: LimitReason): void => {
    limited.inc({ reason })
  }
  const perIp = new Map<string, number>()
  let pending = 0

  return {
    admit(ip) {
      if ((perIp.get(ip) ?? 0) >= options.maxConnectionsPerIp) {
        count('per_ip')
        return tooMany(
          `too many connections from ${ip} (option maxConnectionsPerIp: ${options.maxConnectionsPerIp}); close some and retry`,
        )
      }
      if (pending >= options.maxPendingConnections) {
        count('pending')
        return tooMany(
          `too many connections are still opening (option maxPendingConnections: ${options.maxPendingConnections}); retry later`,
        )
      }
      perIp.set(ip, (perIp.get(ip) ?? 0) + 1)
      pending++
      let isPending = true
      let isClosed = false
      let isSlow = false
      let pendingBytes = 0
      const messages = createBucket(options.maxMessagesPerSecond, options.maxMessagesPerSecond, now)
      // One message of the largest allowed size always fits the byte budget.
      const bytes = createBucket(
        options.maxBytesPerSecond,
        Math.max(options.maxBytesPerSecond, options.maxMessageBytes),
        now,
      )
      return {
        budget: options,
        answerBudget: options,
        receive(size, isOpen) {
          if (!isOpen) {
            pendingBytes += size
            if (pendingBytes > options.maxPendingBytes) {
              count('pending_bytes')
              return tooMany(
                `more than ${options.maxPendingBytes} bytes sent before the connection opened (option maxPendingBytes); wait for the server's first message`,
              )
            }
          }
          if (!messages(1)) {
            count('message_rate')
            return tooMany(
              `more than ${options.maxMessagesPerSecond} messages per second (option maxMessagesPerSecond); batch your changes`,
            )
          }
          if (!bytes(size)) {
            count('byte_rate')
            return tooMany(
              `more than ${options.maxBytesPerSecond} bytes per second (option maxBytesPerSecond); send less often`,
            )
          }
          return undefined
        },
        isSlow(buffered) {
          if (isSlow || buffered <= options.maxBufferedBytes) return isSlow
          isSlow = true
          count('slow_consumer')
          return true
        },
        canSendPresence: (buffered, size) => buffered + size <= options.maxBufferedBytes / 2,
        opened() {
          if (isPending) pending--
          isPending = false
        },
        closed() {
          if (isClosed) return
          isClosed = true
          if (isPending) pending--
          isPending = false
          const left = (perIp.get(ip) ?? 1) - 1
          if (left === 0) perIp.delete(ip)
          else perIp.set(ip, left)
        },
      }
    },
  }
}
