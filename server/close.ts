// Closing a WebSocket with a reason cut to what a close frame can carry.
import type { WebSocket } from 'ws'
import { cutCloseReason } from '../src/index.js'

/** Closes with a reason cut to the 123 bytes a close frame allows. */
export function closeSocket(socket: WebSocket, code: number, reason: string): void {
  socket.close(code, cutCloseReason(reason))
}
