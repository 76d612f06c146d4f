// The client's Transport over a WebSocket: the browser's, or `ws`'s in Node (a constructor
// option). Binary frames only. Knows nothing about sync, tables or reconnecting.
import { CloseCode, createTransportBase, type Transport } from '../../src/internal.js'
import type { WebSocketClass } from '../connection-options.js'

/** The part of the WebSocket API (browser and `ws`) this adapter uses. */
interface WebSocketLike {
  binaryType: string
  readonly bufferedAmount: number
  send(data: Uint8Array): void
  close(code?: number, reason?: string): void
  onopen: (() => void) | null
  onmessage: ((event: { data: unknown }) => void) | null
  onclose: ((event: { code: number; reason: string }) => void) | null
  onerror: (() => void) | null
}

/**
 * Opens a WebSocket to `url` and returns its Transport at once, still connecting: `open` fires
 * when messages can be sent, `close` when the socket closed or failed to connect (1006).
 * A text frame from the server closes the transport with 4400.
 */
export function openWebSocketTransport(url: string, WebSocket: WebSocketClass): Transport {
  const socket = new WebSocket(url) as WebSocketLike
  socket.binaryType = 'arraybuffer'
  const detach = (): void => {
    socket.onopen = null
    socket.onmessage = null
    socket.onclose = null
    // Kept, not removed: closing a socket that is still connecting reports an error, and an
    // error with no listener is thrown by `ws` in Node.
    socket.onerror = () => undefined
  }
  const base = createTransportBase(
    {
      send(message) {
        socket.send(message)
        return true
      },
      close(code, reason) {
        detach()
        socket.close(code, reason)
      },
      get bufferedBytes() {
        return socket.bufferedAmount
      },
    },
    { isOpen: false },
  )
  socket.onopen = () => {
    base.opened()
  }
  socket.onmessage = ({ data }) => {
    if (data instanceof ArrayBuffer) base.received(new Uint8Array(data))
    else base.transport.close(CloseCode.ProtocolError, 'text frames are not supported')
  }
  socket.onclose = ({ code, reason }) => {
    detach()
    base.closed({ code, reason })
  }
  socket.onerror = () => undefined
  return base.transport
}
