// Backpressure and limits: a reader that stops reading is closed by its send buffer without
// slowing the others; message and byte rates, connections per IP and connections still opening
// are capped, each with its close code (docs/errors.md).
import { connect, type Socket } from 'node:net'
import * as encoding from 'lib0/encoding'
import { describe, expect, it, onTestFinished } from 'vitest'
import * as Y from 'yjs'
import { TesseraError } from '../../src/index.js'
import { CloseCode, encodeSyncStep1, MessageType } from '../../src/internal.js'
import { startServer } from '../helpers/start-server.js'
import { connectClient } from '../helpers/sync-client.js'
import { heapMb } from '../helpers/heap.js'
import { waitFor } from '../helpers/wait-for.js'

/** A WebSocket upgrade over a bare TCP socket that then stops reading (a stalled client). */
const openStalledReader = async (wsUrl: string, table: string): Promise<Socket> => {
  const { hostname, port } = new URL(wsUrl)
  const socket = connect(Number(port), hostname)
  onTestFinished(() => {
    socket.destroy()
  })
  await new Promise<void>((resolve) => socket.once('connect', resolve))
  socket.write(
    `GET /${table} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  )
  await new Promise<void>((resolve) => socket.once('data', () => resolve()))
  socket.pause()
  return socket
}

/** A client's WebSocket frame: binary, final, masked (RFC 6455 §5.2), for payloads under 126 bytes. */
const maskedFrame = (payload: Uint8Array): Uint8Array => {
  const mask = [1, 2, 3, 4]
  const frame = new Uint8Array(6 + payload.length)
  frame.set([0x82, 0x80 | payload.length, ...mask])
  payload.forEach((byte, index) => (frame[6 + index] = byte ^ mask[index % 4]!))
  return frame
}

const queryAwareness = (): Uint8Array => {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.QueryAwareness)
  return encoding.toUint8Array(encoder)
}

const metricValue = async (
  server: { registry: { metrics(): Promise<string> } },
  reason: string,
): Promise<number> => {
  const text = await server.registry.metrics()
  const match = new RegExp(`tessera_connections_limited_total\\{reason="${reason}"\\} (\\d+)`).exec(
    text,
  )
  return Number(match?.[1] ?? 0)
}

describe('backpressure and limits', () => {
  it('closes a reader that stopped reading once its send buffer is full; the others keep up', async () => {
    const server = await startServer({
      maxBufferedBytes: 256 * 1024,
      sqliteSynchronous: 'normal',
    })
    const writer = connectClient(server.wsUrl, 't')
    const good = connectClient(server.wsUrl, 't')
    await Promise.all([writer.whenSynced(), good.whenSynced()])
    await openStalledReader(server.wsUrl, 't')
    await waitFor(async () => (await server.registry.metrics()).includes('tessera_connections 3'))
    const baselineMb = heapMb()
    const chunk = 'x'.repeat(128 * 1024)
    const started = Date.now()
    let written = 0
    // 32 MiB in all: far more than the kernel's socket buffers hold for the stalled reader.
    while (written < 256 && (await metricValue(server, 'slow_consumer')) === 0) {
      for (let index = 0; index < 16; index++) writer.doc.getMap('m').set(`k${written++}`, chunk)
      await writer.save()
    }
    expect(await metricValue(server, 'slow_consumer')).toBe(1)
    await waitFor(() => good.doc.getMap('m').size === written, { what: 'the good reader' })
    const goodMs = Date.now() - started
    await waitFor(async () => (await server.registry.metrics()).includes('tessera_connections 2'), {
      what: 'the server to drop the stalled connection',
    })
    const afterMb = heapMb()
    expect(writer.closed).toBeUndefined()
    expect(good.closed).toBeUndefined()
    expect(afterMb - baselineMb).toBeLessThan(32)
    console.log(
      `slow consumer: closed after ${written} updates of 128 KiB (${((written * 128) / 1024).toFixed(1)} MiB sent); the good reader had all in ${goodMs} ms; heap+external ${baselineMb.toFixed(1)} → ${afterMb.toFixed(1)} MB`,
    )
  })

  it('S126: a sync answer bigger than maxBufferedBytes does not make its reader slow; what piles up behind it does', async () => {
    const server = await startServer({ maxBufferedBytes: 256 * 1024 })
    const writer = connectClient(server.wsUrl, 't')
    await writer.whenSynced()
    // 16 MiB of state in 4 updates (each under maxMessageBytes): more than loopback buffers hold.
    const big = 'y'.repeat(256 * 1024)
    for (let batch = 0; batch < 4; batch++) {
      writer.doc.transact(() => {
        for (let index = 0; index < 16; index++)
          writer.doc.getMap('m').set(`b${batch}-${index}`, big)
      })
    }
    await writer.save()
    const reader = await openStalledReader(server.wsUrl, 't')
    reader.write(maskedFrame(encodeSyncStep1(new Y.Doc())))
    // Nothing else sent that much: the reader's answer is on its way.
    await waitFor(
      async () => {
        const text = await server.registry.metrics()
        return Number(/tessera_bytes_sent_total (\d+)/.exec(text)?.[1]) > 16 * 2 ** 20
      },
      { what: "the reader's answer" },
    )
    const small = 'z'.repeat(16 * 1024)
    for (let index = 0; index < 8; index++) writer.doc.getMap('m').set(`s${index}`, small)
    await writer.save()
    expect(await metricValue(server, 'slow_consumer')).toBe(0)
    for (let index = 0; index < 64 && (await metricValue(server, 'slow_consumer')) === 0; index++) {
      writer.doc.getMap('m').set(`t${index}`, small)
      await writer.save()
    }
    expect(await metricValue(server, 'slow_consumer')).toBe(1)
    expect(writer.closed).toBeUndefined()
  })

  it('closes a connection over maxMessagesPerSecond or maxBytesPerSecond with 4429', async () => {
    const server = await startServer({
      maxMessagesPerSecond: 50,
      maxBytesPerSecond: 64 * 1024,
      maxMessageBytes: 16 * 1024,
    })
    const calm = connectClient(server.wsUrl, 't')
    const chatty = connectClient(server.wsUrl, 't')
    const bulky = connectClient(server.wsUrl, 't')
    await Promise.all([calm.whenSynced(), chatty.whenSynced(), bulky.whenSynced()])
    for (let index = 0; index < 200; index++) chatty.sendRaw(queryAwareness())
    const byMessages = await chatty.whenClosed()
    expect(byMessages.code).toBe(CloseCode.TooManyRequests)
    expect(byMessages.reason).toMatch(/maxMessagesPerSecond/)
    const padded = new Uint8Array(15 * 1024)
    padded[0] = MessageType.QueryAwareness
    for (let index = 0; index < 10; index++) bulky.sendRaw(padded)
    const byBytes = await bulky.whenClosed()
    expect(byBytes.code).toBe(CloseCode.TooManyRequests)
    expect(byBytes.reason).toMatch(/maxBytesPerSecond/)
    calm.doc.getMap('m').set('still', 'fine')
    await calm.save()
    expect(calm.closed).toBeUndefined()
    expect(await server.registry.metrics()).toMatch(
      /tessera_errors_total\{code="TOO_MANY_REQUESTS"\} 2/,
    )
  })

  it('caps connections per IP address with 4429', async () => {
    const server = await startServer({ maxConnectionsPerIp: 3 })
    const first = [0, 1, 2].map(() => connectClient(server.wsUrl, 't'))
    await Promise.all(first.map((client) => client.whenSynced()))
    const fourth = connectClient(server.wsUrl, 't')
    const closed = await fourth.whenClosed()
    expect(closed.code).toBe(CloseCode.TooManyRequests)
    expect(closed.reason).toMatch(/maxConnectionsPerIp/)
    first[0]!.close()
    await first[0]!.whenClosed()
    await waitFor(async () => (await metricValue(server, 'per_ip')) === 1)
    const replacement = connectClient(server.wsUrl, 't')
    await replacement.whenSynced()
  })

  it('caps connections still opening and what they send before they open, with 4429', async () => {
    let admit: () => void = () => undefined
    const gate = new Promise<void>((resolve) => (admit = resolve))
    const server = await startServer({
      maxPendingConnections: 2,
      maxPendingBytes: 4096,
      authenticate: async (request) => {
        if (request.url?.includes('wait') === true) await gate
        return 'user'
      },
    })
    const waiting = [0, 1].map(() => connectClient(server.wsUrl, 't', { query: 'wait' }))
    await Promise.all(
      waiting.map((client) =>
        waitFor(() => client.socket.readyState === client.socket.OPEN, { what: 'the upgrade' }),
      ),
    )
    const third = connectClient(server.wsUrl, 't')
    const refused = await third.whenClosed()
    expect(refused.code).toBe(CloseCode.TooManyRequests)
    expect(refused.reason).toMatch(/maxPendingConnections/)
    waiting[0]!.sendRaw(new Uint8Array(5000).fill(MessageType.QueryAwareness, 0, 1))
    const flooded = await waiting[0]!.whenClosed()
    expect(flooded.code).toBe(CloseCode.TooManyRequests)
    expect(flooded.reason).toMatch(/maxPendingBytes/)
    admit()
    await waiting[1]!.whenSynced()
    const later = connectClient(server.wsUrl, 't')
    await later.whenSynced()
    expect(new TesseraError('TOO_MANY_REQUESTS', 'x').code).toBe('TOO_MANY_REQUESTS')
  })
})
