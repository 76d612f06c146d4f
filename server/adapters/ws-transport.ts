// The server's Transport over one accepted `ws` socket, with the limits that are about the
// socket itself: binary frames only, ws's frame errors, and a reader that stopped reading; large
// messages go in pieces (ws-paced-send.ts).
import type { WebSocket } from 'ws'
import { TesseraError } from '../../src/index.js'
import { CloseCode, createTransportBase, type Transport } from '../../src/internal.js'
import { createPacedSender } from './ws-paced-send.js'

export interface WsTransportOptions {
  /** True once a socket's unsent bytes show it stopped reading (server/limits.ts); default never. */
  isSlow?(bufferedBytes: number): boolean
  /** A refusal at the socket: a text frame, a frame ws rejected, a slow reader (for metrics). */
  onRefused?(error: TesseraError): void
  /** How long a slow reader's close frame may wait before the socket is destroyed; default 1000 ms. */
  slowCloseGraceMs?: number
  /**
   * True for a message whose size is budgeted elsewhere (the server's sync answers, S88): its
   * bytes never make the reader slow, only what piles up behind them does (S126). Default none.
   */
  isBudgeted?(message: Uint8Array): boolean
  /**
   * The TCP socket under `socket`: what one turn sends goes out in one write (corked until the
   * turn's callbacks and promises are done). Default: each message is written at once.
   */
  tcp?: { cork(): void; uncork(): void }
}

/** Wraps an open `ws` socket as a Transport. */
export function createWsTransport(socket: WebSocket, options: WsTransportOptions = {}): Transport {
  const refused = (
    code: 'PROTOCOL_ERROR' | 'MESSAGE_TOO_LARGE' | 'TOO_MANY_REQUESTS',
    message: string,
  ) => {
    const error = new TesseraError(code, message)
    options.onRefused?.(error)
    return error
  }
  const closeSlow = (): void => {
    const { message } = refused(
      'TOO_MANY_REQUESTS',
      'the connection stopped reading: its send buffer exceeded maxBufferedBytes; reconnect',
    )
    base.transport.close(CloseCode.SlowConsumer, message)
    // The close frame waits behind the unread bytes; the socket and its buffer go soon after.
    setTimeout(() => {
      socket.terminate()
    }, options.slowCloseGraceMs ?? 1000).unref()
  }
  // What budgeted messages may still hold of the send buffer: at most what they were, and never
  // more than the buffer holds, which shrinks as the reader reads.
  let budgeted = 0
  const { tcp } = options
  // S253: large messages go a piece at a time, so a reader's progress shows in what is written.
  const paced = createPacedSender(socket)
  let isCorked = false
  // A turn's messages (the saved acknowledgements of a group commit, say) would otherwise cost
  // one system call each; ws corks around each frame, which nests inside this cork.
  const corkForTurn = (): void => {
    if (tcp === undefined || isCorked) return
    isCorked = true
    tcp.cork()
    process.nextTick(() => {
      isCorked = false
      tcp.uncork()
    })
  }
  const base = createTransportBase(
    {
      send(message) {
        const buffered = socket.bufferedAmount + paced.waitingBytes
        budgeted = Math.min(budgeted, buffered)
        // A reader that stops reading would make the server buffer every broadcast for it.
        if (options.isSlow?.(buffered - budgeted) === true) {
          closeSlow()
          return false
        }
        corkForTurn()
        paced.send(message)
        if (options.isBudgeted?.(message) === true) budgeted += message.byteLength
        return true
      },
      close(code, reason) {
        socket.close(code, reason)
      },
      get bufferedBytes() {
        return socket.bufferedAmount + paced.waitingBytes
      },
    },
    { isOpen: socket.readyState === socket.OPEN },
  )
  socket.on('message', (data: Buffer, isBinary: boolean) => {
    if (isBinary) {
      base.received(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
      return
    }
    const { message } = refused(
      'PROTOCOL_ERROR',
      'text frames are not supported; send binary messages',
    )
    base.transport.close(CloseCode.UnsupportedData, message)
  })
  socket.on('error', (error: Error & { code?: string }) => {
    // ws closes the socket itself (1009 for an oversized frame, 1002 for a broken one).
    if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH')
      refused('MESSAGE_TOO_LARGE', error.message)
    else refused('PROTOCOL_ERROR', error.message)
  })
  socket.on('close', (code: number, reason: Buffer) => {
    base.closed({ code, reason: reason.toString() })
  })
  return base.transport
}
