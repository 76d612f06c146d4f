// Sending over a `ws` socket so that a slow reader's progress shows in public figures (S253): a
// message larger than a piece goes as a fragmented WebSocket message, one piece handed to the
// socket at a time, the next once the previous one is written; messages sent meanwhile wait
// behind it, in order. Each write is then small and finishes as the peer reads, so the TCP
// socket's written bytes grow while a large message downloads (server/http/heartbeat.ts).
import type { WebSocket } from 'ws'

/** The largest write the sender hands the socket at once: a frame of a fragmented message. */
export const pieceBytes = 64 * 1024

/** Sends messages over one socket in pieces of at most `pieceBytes`. */
export interface PacedSender {
  send(message: Uint8Array): void
  /** Bytes of messages waiting in the sender, not yet handed to the socket. */
  readonly waitingBytes: number
}

/** The paced sender of `socket`; messages that fit a piece and wait behind nothing go at once. */
export function createPacedSender(socket: WebSocket): PacedSender {
  const waiting: { message: Uint8Array; offset: number }[] = []
  let waitingBytes = 0
  let isWriting = false
  const pump = (): void => {
    isWriting = false
    const head = waiting[0]
    if (head === undefined) return
    if (socket.readyState !== socket.OPEN) {
      waiting.length = 0
      waitingBytes = 0
      return
    }
    const { message, offset } = head
    const end = Math.min(message.byteLength, offset + pieceBytes)
    const isLast = end === message.byteLength
    head.offset = end
    waitingBytes -= end - offset
    if (isLast) waiting.shift()
    isWriting = true
    // Control frames (pings, the close) may come between the pieces; data frames never do.
    socket.send(message.subarray(offset, end), { binary: true, fin: isLast }, pump)
  }
  return {
    send(message) {
      if (waiting.length === 0 && !isWriting && message.byteLength <= pieceBytes) {
        socket.send(message)
        return
      }
      waiting.push({ message, offset: 0 })
      waitingBytes += message.byteLength
      if (!isWriting) pump()
    },
    get waitingBytes() {
      return waitingBytes
    },
  }
}
