// The promises of a connection (whenSynced, whenSaved): resolve once a condition holds, reject
// when it never will (closed, stopped by the server, writes refused).
import { TesseraError } from '../src/index.js'
import type { ConnectionEvents } from './connection-api.js'
import type { Emitter } from './emitter.js'

/** Errors after which a wait cannot succeed without the app's help. */
const hopeless = new Set(['UNAUTHORIZED', 'FORBIDDEN', 'TABLE_NOT_FOUND'])

/**
 * Resolves once `isReady()` holds, checked now and on every `event`.
 * @throws CLOSED when the connection is or gets closed; the error of a close that stopped the
 *   reconnecting (S60); an UNAUTHORIZED, FORBIDDEN or TABLE_NOT_FOUND error event
 */
export function waitUntil(
  emitter: Emitter<ConnectionEvents>,
  isReady: () => boolean,
  event: 'status' | 'unsaved',
  isClosed: boolean,
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (isClosed) {
      reject(new TesseraError('CLOSED', 'the connection is closed'))
      return
    }
    if (isReady()) {
      resolve()
      return
    }
    const settle = (error?: TesseraError): void => {
      stops.forEach((stop) => {
        stop()
      })
      if (error === undefined) resolve()
      else reject(error)
    }
    const stops = [
      emitter.on(event, () => {
        if (isReady()) settle()
      }),
      emitter.on('error', (error) => {
        if (hopeless.has(error.code)) settle(error)
      }),
      emitter.on('stopped', settle),
      emitter.on('closed', () => {
        settle(new TesseraError('CLOSED', 'the connection was closed before it was ready'))
      }),
    ]
  })
}
