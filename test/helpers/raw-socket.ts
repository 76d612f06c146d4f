// A raw WebSocket for hostile tests: sends any frame, then a saved(n) probe, and reports whether
// the server answered the probe or closed the connection, and how fast.
import WebSocket from 'ws'
import { decodeMessage, encodeMessage } from '../../src/internal.js'

export type ProbeResult =
  { kind: 'answered'; ms: number } | { kind: 'closed'; code: number; ms: number }

export interface RawSocket {
  /** Sends `frame` and a saved(n) probe; resolves when the probe is answered or the socket closes. */
  probe(frame: Uint8Array | string, timeoutMs: number): Promise<ProbeResult>
  readonly closeCode: number | undefined
  terminate(): void
}

/** Opens a raw socket and resolves once the server sent its first message (the room is open). */
export function openRawSocket(url: string): Promise<RawSocket> {
  const socket = new WebSocket(url)
  socket.binaryType = 'nodebuffer'
  let nextId = 1
  let closeCode: number | undefined
  const waiting = new Map<number, (result: ProbeResult) => void>()
  let started = 0
  return new Promise((resolve, reject) => {
    let isOpen = false
    socket.on('error', () => undefined)
    socket.on('close', (code) => {
      closeCode = code
      if (!isOpen) reject(new Error(`closed with ${code} before the first message`))
      for (const answer of waiting.values())
        answer({ kind: 'closed', code, ms: Date.now() - started })
      waiting.clear()
    })
    socket.on('message', (data: Buffer) => {
      if (!isOpen) {
        isOpen = true
        resolve(raw)
      }
      const message = decodeMessage(new Uint8Array(data))
      if (message.type !== 'saved' && message.type !== 'not-saved') return
      // S270: an answer covers every earlier request too.
      for (const [id, answer] of waiting) {
        if (id > message.requestId) break
        waiting.delete(id)
        answer({ kind: 'answered', ms: Date.now() - started })
      }
    })
    const raw: RawSocket = {
      get closeCode() {
        return closeCode
      },
      probe(frame, timeoutMs) {
        if (closeCode !== undefined) {
          return Promise.resolve({ kind: 'closed', code: closeCode, ms: 0 })
        }
        const id = nextId++
        started = Date.now()
        return new Promise((answer, fail) => {
          const timer = setTimeout(() => {
            fail(new Error(`the server neither answered nor closed within ${timeoutMs} ms`))
          }, timeoutMs)
          waiting.set(id, (result) => {
            clearTimeout(timer)
            answer(result)
          })
          socket.send(frame, { binary: typeof frame !== 'string' })
          socket.send(encodeMessage({ type: 'saved', requestId: id }))
        })
      },
      terminate() {
        socket.terminate()
      },
    }
  })
}
