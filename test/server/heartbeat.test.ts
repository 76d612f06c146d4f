// The server's heartbeat (server/http/heartbeat.ts, S165): a silent socket is terminated, one
// that answers pings or is still reading what was sent to it stays, over a real loopback socket.
import { connect, type Socket } from 'node:net'
import { describe, expect, it, onTestFinished } from 'vitest'
import { WebSocketServer } from 'ws'
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
    progress: { completed: 0, queued: 0, unsent: 0 },
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
    state.progress = { completed: 100, queued: 13_000_000, unsent: 13_000_000 }
    heartbeat.watch(socket)
    heartbeat.beat()
    // The kernel took part of the write in progress: the ping waits behind the rest.
    state.progress.queued = 9_000_000
    heartbeat.beat()
    // That write finished and the next one started, bigger than what was left of it.
    state.progress = { completed: 13_000_100, queued: 11_000_000, unsent: 11_000_000 }
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

  it('S165: over loopback, a client downloading a large message outlives beats it cannot answer', async () => {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 })
    onTestFinished(() => {
      server.close()
    })
    await new Promise<void>((resolve) => server.once('listening', resolve))
    const heartbeat = manualHeartbeat()
    let closed = false
    server.on('connection', (socket, request) => {
      heartbeat.watch(heartbeatSocket(socket, request.socket))
      socket.on('close', () => (closed = true))
      // Far more than loopback's kernel buffers hold: most of it waits in the server.
      socket.send(Buffer.alloc(64 * 2 ** 20))
    })
    const { port } = server.address() as { port: number }
    // A client that never parses a frame (so never answers a ping) and reads when told.
    const tcp = await rawWebSocket(port)
    onTestFinished(() => void tcp.destroy())
    await waitFor(() => server.clients.size === 1, { what: 'the server to accept' })
    const watched = [...server.clients][0]!
    const readSome = async (bytes: number) => {
      const target = tcp.bytesRead + bytes
      tcp.resume()
      await waitFor(() => tcp.bytesRead >= target, {
        what: 'the client reading',
        timeoutMs: 20_000,
      })
      tcp.pause()
    }
    await waitFor(() => watched.bufferedAmount > 0, { what: 'the send to start' })
    heartbeat.beat()
    await readSome(4 * 2 ** 20)
    // The server sees the kernel take bytes on its next turns.
    await waitFor(() => heartbeatSocketQueued(server) < 64 * 2 ** 20 - 4 * 2 ** 20, {
      what: 'the server to see the read',
      timeoutMs: 20_000,
    })
    heartbeat.beat()
    expect(watched.readyState).toBe(watched.OPEN)
    // Paused, the client takes nothing more once the kernel buffers between them are full:
    // two beats in a row without progress or pong terminate it.
    await waitFor(
      () => {
        heartbeat.beat()
        return closed
      },
      { what: 'the silent client to be terminated', timeoutMs: 20_000 },
    )
  })
})

/** What the server's only socket still holds of its write in progress. */
function heartbeatSocketQueued(server: WebSocketServer): number {
  const socket = [...server.clients][0]
  if (socket === undefined) return 0
  const tcp = (socket as unknown as { _socket: Socket })._socket
  return (tcp as unknown as { _handle?: { writeQueueSize?: number } })._handle?.writeQueueSize ?? 0
}

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
