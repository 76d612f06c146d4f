// The heartbeat of the server's sockets: a ping every interval, and a socket that neither
// answered the last ping nor, when that ping had to wait behind unsent bytes, took any of them
// since, is terminated (S165).
// Knows sockets as what they report (pong, write progress); nothing about rooms or sessions.
import type { Socket } from 'node:net'
import type { WebSocket } from 'ws'

/** A socket as the heartbeat sees it (a `ws` socket and its TCP socket, or a test's stand-in). */
export interface HeartbeatSocket {
  ping(): void
  terminate(): void
  /** Calls `listener` on every pong; returns nothing the heartbeat needs. */
  onPong(listener: () => void): void
  /**
   * How far the socket's writes are: `completed` bytes whose writes finished (grows as writes
   * end) and `unsent` bytes the process still holds. The server writes at most a piece of a
   * message at a time (server/adapters/ws-paced-send.ts, S253), so while the peer reads,
   * `completed` moves, even in the middle of one large message with a ping waiting behind it;
   * it stops once the kernel's buffer is full and the peer reads nothing.
   */
  progress(): WriteProgress
}

/** See HeartbeatSocket.progress. */
export interface WriteProgress {
  completed: number
  unsent: number
}

export interface Heartbeat {
  /** Watches `socket` from now on (it counts as alive until the next beat). */
  watch(socket: HeartbeatSocket): void
  /** Stops watching `socket` (it closed). */
  forget(socket: HeartbeatSocket): void
  /** One beat: terminates the silent sockets, pings the others. Runs every interval by itself. */
  beat(): void
  /** Stops the timer. */
  stop(): void
}

interface Watched {
  hasPonged: boolean
  atPing: WriteProgress
}

/**
 * Starts the heartbeat (every `intervalMs`, an unref'd timer). A socket is alive at a beat when
 * it answered the previous ping, or when that ping waited behind bytes the process still held
 * and the socket took some since: the pong comes only after what was sent before the ping, so
 * a client downloading a large sync answer (a whole table, over a slow link) cannot answer in
 * time, yet is plainly reading (S165). A ping that went straight to the kernel needs its pong:
 * a kernel buffer that still takes bytes says nothing of a peer that is gone.
 */
export function startHeartbeat(intervalMs: number): Heartbeat {
  const sockets = new Map<HeartbeatSocket, Watched>()
  const beat = (): void => {
    for (const [socket, state] of sockets) {
      const now = socket.progress()
      const { atPing } = state
      const hasRead = atPing.unsent > 0 && now.completed > atPing.completed
      if (!state.hasPonged && !hasRead) {
        sockets.delete(socket)
        socket.terminate()
        continue
      }
      state.hasPonged = false
      state.atPing = now
      socket.ping()
    }
  }
  const timer = setInterval(beat, intervalMs)
  timer.unref()
  return {
    watch(socket) {
      const state: Watched = { hasPonged: true, atPing: socket.progress() }
      sockets.set(socket, state)
      socket.onPong(() => {
        state.hasPonged = true
      })
    },
    forget(socket) {
      sockets.delete(socket)
    },
    beat,
    stop() {
      clearInterval(timer)
      sockets.clear()
    },
  }
}

/**
 * A ws socket as the heartbeat sees it. Its write progress comes from its TCP socket's public
 * figures (what finished writing, what waits): the server's transport writes large messages a
 * piece at a time (S253), so finished writes follow the peer's reading.
 */
export function heartbeatSocket(socket: WebSocket, tcp: Socket): HeartbeatSocket {
  return {
    ping: () => {
      socket.ping()
    },
    terminate: () => {
      socket.terminate()
    },
    onPong: (listener) => {
      socket.on('pong', listener)
    },
    progress: () => ({
      completed: tcp.bytesWritten - tcp.writableLength,
      unsent: tcp.writableLength,
    }),
  }
}
