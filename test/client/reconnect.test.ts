// The reconnect loop over in-memory transports and fake timers: backoff (S61), what each close
// code does (S60), and the probe that keeps a silent but healthy connection (S62).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  createMemoryTransportPair,
  decodeMessage,
  encodeMessage,
  type CloseMeaning,
  type MemoryTransportPair,
  type TransportClose,
} from '../../src/internal.js'
import {
  createReconnector,
  probeAfterMs,
  silentCloseMs,
  type ConnectionStatus,
} from '../../client/reconnect.js'

interface Harness {
  readonly pairs: MemoryTransportPair[]
  readonly statuses: ConnectionStatus[]
  readonly closes: { close: TransportClose; meaning?: CloseMeaning; isRetrying: boolean }[]
  readonly loop: ReturnType<typeof createReconnector>
  /** The server's end of the newest transport. */
  server(): MemoryTransportPair['b']
}

const start = (maxBackoffMs = 2500): Harness => {
  const pairs: MemoryTransportPair[] = []
  const statuses: ConnectionStatus[] = []
  const closes: Harness['closes'] = []
  const loop = createReconnector({
    dial: () => {
      const pair = createMemoryTransportPair({ isManual: true })
      pairs.push(pair)
      return pair.a
    },
    maxBackoffMs,
    onOpen: () => ({ sayGoodbye: () => undefined }),
    onStatus: (status) => statuses.push(status),
    onServerClose: (close, meaning, isRetrying) => {
      closes.push(meaning === undefined ? { close, isRetrying } : { close, meaning, isRetrying })
    },
    onDialError: (error) => {
      throw error
    },
  })
  return { pairs, statuses, closes, loop, server: () => pairs.at(-1)!.b }
}

/** Closes from the server's side and delivers the close. */
const serverCloses = (harness: Harness, code: number): void => {
  harness.server().close(code, `closed with ${code}`)
  harness.pairs.at(-1)!.deliverAll()
}

/** The ms until the next dial. */
const nextDialAfter = (harness: Harness): number => {
  const before = harness.pairs.length
  const started = Date.now()
  while (harness.pairs.length === before) vi.advanceTimersByTime(50)
  return Date.now() - started
}

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('reconnect loop', () => {
  it('S61: waits 100 ms doubling per failed attempt, at most maxBackoffMs, from scratch after a sync', () => {
    const harness = start(1000)
    harness.loop.connect()
    expect(harness.statuses).toEqual(['connecting', 'connected'])
    const waits: number[] = []
    for (let attempt = 0; attempt < 5; attempt++) {
      serverCloses(harness, 1006)
      waits.push(nextDialAfter(harness))
    }
    expect(waits).toEqual([200, 400, 800, 1000, 1000])
    harness.loop.synced()
    serverCloses(harness, 4500)
    expect(nextDialAfter(harness)).toBe(200)
    expect(harness.statuses.slice(-4)).toEqual(['synced', 'offline', 'connecting', 'connected'])
  })

  it('S60: retries after 1001, 4408, 4429 and 4500, reporting each; a dropped network reports nothing', () => {
    const harness = start(100)
    harness.loop.connect()
    for (const code of [1001, 4408, 4429, 4500, 1006, 1000]) {
      serverCloses(harness, code)
      nextDialAfter(harness)
    }
    expect(
      harness.closes.map(({ close, meaning, isRetrying }) => [
        close.code,
        meaning?.code,
        isRetrying,
      ]),
    ).toEqual([
      [1001, 'CLOSED', true],
      [4408, 'TOO_MANY_REQUESTS', true],
      [4429, 'TOO_MANY_REQUESTS', true],
      [4500, 'STORAGE_FAILURE', true],
      [1006, undefined, true],
      [1000, undefined, true],
    ])
    expect(harness.loop.isOnline).toBe(true)
  })

  it('S60: stays offline after 1002, 1003, 1009, 4400, 4401, 4403 and 4404 until connect()', () => {
    for (const code of [1002, 1003, 1009, 4400, 4401, 4403, 4404]) {
      const harness = start(100)
      harness.loop.connect()
      serverCloses(harness, code)
      vi.advanceTimersByTime(60_000)
      expect(harness.pairs).toHaveLength(1)
      expect(harness.loop.isOnline).toBe(false)
      expect(harness.closes[0]).toMatchObject({ isRetrying: false, close: { code } })
      expect(harness.statuses.at(-1)).toBe('offline')
      harness.loop.connect()
      expect(harness.pairs).toHaveLength(2)
    }
  })

  it('S61: disconnect() closes with 1000 and stops dialling; connect() dials at once', () => {
    const harness = start()
    harness.loop.connect()
    const seen: TransportClose[] = []
    harness.server().on('close', (close) => seen.push(close))
    harness.loop.disconnect()
    harness.pairs[0]!.deliverAll()
    expect(seen).toEqual([{ code: 1000, reason: 'the client disconnected' }])
    vi.advanceTimersByTime(60_000)
    expect(harness.pairs).toHaveLength(1)
    expect(harness.closes).toEqual([])
    harness.loop.connect()
    expect(harness.pairs).toHaveLength(2)
  })

  it('S62: probes a silent connection after 15 s and keeps it when the server answers', () => {
    const harness = start()
    harness.loop.connect()
    const server = harness.server()
    const received: string[] = []
    server.on('message', (bytes) => {
      const message = decodeMessage(bytes)
      received.push(message.type)
      // What a Tessera server does: answer with the awareness states.
      server.send(encodeMessage({ type: 'awareness', update: new Uint8Array([0]) }))
    })
    for (let elapsed = 0; elapsed < 3 * silentCloseMs; elapsed += 1000) {
      vi.advanceTimersByTime(1000)
      harness.pairs[0]!.deliverAll()
    }
    expect(received.length).toBeGreaterThanOrEqual(4)
    expect(new Set(received)).toEqual(new Set(['query-awareness']))
    expect(harness.pairs).toHaveLength(1)
    expect(harness.statuses.at(-1)).toBe('connected')
  })

  it('S62: closes a connection silent for 30 s despite the probe, and dials again', () => {
    const harness = start()
    harness.loop.connect()
    const seen: TransportClose[] = []
    harness.server().on('close', (close) => seen.push(close))
    vi.advanceTimersByTime(probeAfterMs + 3000)
    expect(harness.pairs[0]!.pending).toBe(1)
    vi.advanceTimersByTime(silentCloseMs - probeAfterMs - 3000 - 1)
    expect(harness.pairs[0]!.a.isOpen).toBe(true)
    vi.advanceTimersByTime(1)
    harness.pairs[0]!.deliverAll()
    expect(seen).toEqual([{ code: 1000, reason: 'no message from the server for 30 s' }])
    expect(harness.closes).toEqual([])
    expect(nextDialAfter(harness)).toBe(200)
  })
})
