// The server's heartbeat (server/http/heartbeat.ts, S165): a silent socket is terminated, one
// that answers pings or is still reading what was sent to it stays, over a real loopback socket;
// the transport's large messages go a piece at a time and arrive whole (S253).
import { connect, type Socket } from 'node:net'
import { describe, expect, it, onTestFinished } from 'vitest'
import { WebSocket, WebSocketServer } from 'ws'
import { createWsTransport } from '../../server/adapters/ws-transport.js'
import { heldBytes, pieceBytes } from '../../server/adapters/ws-paced-send.js'
import {
  heartbeatSocket,
  startHeartbeat,
  type HeartbeatSocket,
  type WriteProgress,
} from '../../server/http/heartbeat.js'
import { waitFor } from '../helpers/wait-for.js'

/** A stand-in socket whose pongs and write progress the test sets. */
function fakeSocket() {
  let onPong = (): void => undefined
  const state = {
    pings: 0,
    isTerminated: false,
    progress: { completed: 0, unsent: 0 },
  }
  const socket: HeartbeatSocket = {
    ping: () => {
      state.pings++
    },
    terminate: () => {
      state.isTerminated = true
    },
    onPong: (listener) => {
      onPong = listener
    },
    progress: (): WriteProgress => ({ ...state.progress }),
  }
  return { socket, state, pong: () => onPong() }
}

/** A heartbeat whose timer never fires during the test: beats are called by hand. */
function manualHeartbeat() {
  const heartbeat = startHeartbeat(3_600_000)
  onTestFinished(() => heartbeat.stop())
  return heartbeat
}

describe('heartbeat', () => {
  it('S165: a socket that answers nothing and reads nothing is terminated at the second beat', () => {
    const heartbeat = manualHeartbeat()
    const { socket, state } = fakeSocket()
    heartbeat.watch(socket)
    heartbeat.beat()
    expect(state).toMatchObject({ pings: 1, isTerminated: false })
    heartbeat.beat()
    expect(state.isTerminated).toBe(true)
    heartbeat.beat()
    expect(state.pings).toBe(1)
  })

  it('S165: a socket that answers its pings stays', () => {
    const heartbeat = manualHeartbeat()
    const { socket, state, pong } = fakeSocket()
    heartbeat.watch(socket)
    for (let beat = 0; beat < 5; beat++) {
      heartbeat.beat()
      pong()
    }
    expect(state).toMatchObject({ pings: 5, isTerminated: false })
  })

  it('S165: a socket still reading a large message stays without a pong, until it stops reading', () => {
    const heartbeat = manualHeartbeat()
    const { socket, state } = fakeSocket()
    state.progress = { completed: 100, unsent: 13_000_000 }
    heartbeat.watch(socket)
    heartbeat.beat()
    // The peer read some pieces of the message: the ping waits behind the rest.
    state.progress = { completed: 4_000_100, unsent: 9_000_000 }
    heartbeat.beat()
    // It read more, and the next message went behind what was left.
    state.progress = { completed: 8_000_100, unsent: 11_000_000 }
    heartbeat.beat()
    expect(state).toMatchObject({ pings: 3, isTerminated: false })
    heartbeat.beat()
    expect(state.isTerminated).toBe(true)
  })

  it('S165: bytes the kernel takes do not keep a socket alive when its ping went out at once', () => {
    const heartbeat = manualHeartbeat()
    const { socket, state } = fakeSocket()
    heartbeat.watch(socket)
    heartbeat.beat()
    // Broadcasts to a peer that is gone still fit in the kernel's buffer: nothing waited.
    state.progress.completed = 5_000
    heartbeat.beat()
    expect(state.isTerminated).toBe(true)
  })

  it('S165: a forgotten socket is no longer pinged', () => {
    const heartbeat = manualHeartbeat()
    const { socket, state } = fakeSocket()
    heartbeat.watch(socket)
    heartbeat.forget(socket)
    heartbeat.beat()
    heartbeat.beat()
    expect(state).toMatchObject({ pings: 0, isTerminated: false })
  })

  it.each([
    ['one large message', [64 * 2 ** 20]],
    ['a whole table in slices, sent in one turn', Array.from({ length: 1024 }, () => 64 * 1024)],
  ])(
    'S165, S253: over loopback, a client downloading %s outlives beats it cannot answer',
    async (_, sizes) => {
      const server = new WebSocketServer({ host: '127.0.0.1', port: 0 })
      onTestFinished(() => {
        server.close()
      })
      await new Promise<void>((resolve) => server.once('listening', resolve))
      const heartbeat = manualHeartbeat()
      let closed = false
      let watched: HeartbeatSocket | undefined
      server.on('connection', (socket, request) => {
        watched = heartbeatSocket(socket, request.socket)
        heartbeat.watch(watched)
        socket.on('close', () => (closed = true))
        // Far more than loopback's kernel buffers hold, through the server's transport (which
        // writes it a piece at a time): most of it waits in the server.
        const transport = createWsTransport(socket, { tcp: request.socket })
        for (const size of sizes) transport.send(new Uint8Array(size))
      })
      const { port } = server.address() as { port: number }
      // A client that never parses a frame (so never answers a ping) and reads when told.
      const tcp = await rawWebSocket(port)
      onTestFinished(() => void tcp.destroy())
      await waitFor(() => watched !== undefined, { what: 'the server to accept' })
      const readSome = async (bytes: number) => {
        const target = tcp.bytesRead + bytes
        tcp.resume()
        await waitFor(() => tcp.bytesRead >= target, {
          what: 'the client reading',
          timeoutMs: 20_000,
        })
        tcp.pause()
      }
      await waitFor(() => watched!.progress().unsent > 0, { what: 'the send to start' })
      heartbeat.beat()
      const atPing = watched!.progress().completed
      await readSome(4 * 2 ** 20)
      // The server sees its writes finish on its next turns (public figures only).
      await waitFor(() => watched!.progress().completed > atPing + 2 ** 20, {
        what: 'the server to see the read',
        timeoutMs: 20_000,
      })
      heartbeat.beat()
      expect(closed).toBe(false)
      // Paused, the client takes nothing more once the kernel buffers between them are full:
      // two beats in a row without progress or pong terminate it.
      await waitFor(
        () => {
          heartbeat.beat()
          return closed
        },
        { what: 'the silent client to be terminated', timeoutMs: 20_000 },
      )
    },
  )

  it('S253: a paced message reaches a ws client whole, and what follows it after it, in order', async () => {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 })
    onTestFinished(() => {
      server.close()
    })
    await new Promise<void>((resolve) => server.once('listening', resolve))
    const large = new Uint8Array(heldBytes + pieceBytes + 17).map((_, index) => index % 251)
    server.on('connection', (socket, request) => {
      const transport = createWsTransport(socket, { tcp: request.socket })
      transport.send(new Uint8Array([1]))
      transport.send(large)
      transport.send(new Uint8Array([2]))
      transport.send(large.subarray(0, pieceBytes + 1))
      transport.send(new Uint8Array([3]))
    })
    const { port } = server.address() as { port: number }
    const client = new WebSocket(`ws://127.0.0.1:${String(port)}`)
    onTestFinished(() => {
      client.close()
    })
    const received: Buffer[] = []
    client.on('message', (data: Buffer) => received.push(data))
    await waitFor(() => received.length === 5, { what: 'five messages' })
    expect(received.map((data) => data.byteLength)).toEqual([
      1,
      large.byteLength,
      1,
      pieceBytes + 1,
      1,
    ])
    // Compared as buffers: a deep equality of 300,000 numbers takes seconds.
    expect(received[1]!.equals(large)).toBe(true)
    expect(received[3]!.equals(large.subarray(0, pieceBytes + 1))).toBe(true)
    expect([received[0]![0], received[2]![0], received[4]![0]]).toEqual([1, 2, 3])
  })
})

/** Opens a WebSocket by hand (the upgrade request, nothing more) and pauses its TCP socket. */
async function rawWebSocket(port: number): Promise<Socket> {
  const tcp = connect(port, '127.0.0.1')
  tcp.write(
    'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
  )
  await new Promise<void>((resolve, reject) => {
    tcp.once('data', () => {
      tcp.pause()
      resolve()
    })
    tcp.once('error', reject)
  })
  tcp.on('error', () => undefined)
  return tcp
}
