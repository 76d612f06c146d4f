// Sending over a `ws` socket so that a slow reader's progress shows in public figures (S253):
// once the socket holds `heldBytes`, what follows goes one piece at a time, the next once the
// previous one is written, a message larger than a piece as a fragmented WebSocket message;
// messages sent meanwhile wait behind, in order. Each of those writes is small and finishes as
// the peer reads, so the TCP socket's finished writes grow while a large answer (a whole table
// in slices, one large update) downloads (server/http/heartbeat.ts).
import type { WebSocket } from 'ws'

/** The largest write the sender hands the socket once it is paced: one frame. */
export const pieceBytes = 64 * 1024

/** What the socket may hold before the sender paces (a turn's messages go in one write below it). */
export const heldBytes = 256 * 1024

/** Sends messages over one socket, paced in pieces of at most `pieceBytes` past `heldBytes`. */
export interface PacedSender {
  send(message: Uint8Array): void
  /** Bytes of messages waiting in the sender, not yet handed to the socket. */
  readonly waitingBytes: number
}

/** The paced sender of `socket`; a message that waits behind nothing and fits goes at once. */
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
      // While a piece is being written, everything waits behind it (frames of one message in a
      // row); otherwise the piece written first is the one that wakes the next.
      if (!isWriting && socket.bufferedAmount + message.byteLength <= heldBytes) {
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
