// The Transport contract (automerge-repo's runStorageAdapterTests pattern): every adapter runs
// it. A setup gives two joined ends, both open; the suite sends, closes and watches.
import { describe, expect, it } from 'vitest'
import type { Transport, TransportClose } from '../../src/internal.js'
import { waitFor } from '../helpers/wait-for.js'

/** Two joined, open transports. */
export interface TransportPair {
  readonly a: Transport
  readonly b: Transport
}

interface Recorder {
  readonly messages: Uint8Array[]
  readonly closes: TransportClose[]
}

const record = (transport: Transport): Recorder => {
  const recorder: Recorder = { messages: [], closes: [] }
  transport.on('message', (message) => recorder.messages.push(message.slice()))
  transport.on('close', (close) => recorder.closes.push(close))
  return recorder
}

const numbered = (index: number, size: number): Uint8Array =>
  new Uint8Array(size).map((_, at) => (index * 31 + at) % 256)

/** Runs the shared Transport contract (docs/semantics.md S64) against `setup`. */
export function runTransportContract(name: string, setup: () => Promise<TransportPair>): void {
  describe(`Transport contract: ${name}`, () => {
    it('S64: both ends are open, with nothing buffered at rest', async () => {
      const { a, b } = await setup()
      expect([a.isOpen, b.isOpen]).toEqual([true, true])
      expect(a.bufferedBytes).toBeGreaterThanOrEqual(0)
      expect(b.bufferedBytes).toBeGreaterThanOrEqual(0)
    })

    it('S64: delivers messages whole, once each and in order, both ways', async () => {
      const { a, b } = await setup()
      const atA = record(a)
      const atB = record(b)
      const sizes = [1, 2, 127, 128, 1000, 65_536, 3, 200_000, 1]
      const sent = sizes.map((size, index) => numbered(index, size))
      for (const message of sent) expect(a.send(message)).toBe(true)
      for (const message of [...sent].reverse()) expect(b.send(message)).toBe(true)
      await waitFor(() => atB.messages.length >= sent.length && atA.messages.length >= sent.length)
      // Compared as hex: deep equality walks 270,000 bytes one at a time.
      const hex = (messages: Uint8Array[]): string[] =>
        messages.map((message) => Buffer.from(message).toString('hex'))
      expect(hex(atB.messages)).toEqual(hex(sent))
      expect(hex(atA.messages)).toEqual(hex([...sent].reverse()))
      expect(atA.closes).toEqual([])
    })

    it('S64: a close reaches the other end after what was sent before it, with its code and reason', async () => {
      const { a, b } = await setup()
      const atA = record(a)
      const atB = record(b)
      for (let index = 0; index < 20; index++) a.send(numbered(index, 100))
      a.close(4403, 'closed by a')
      // The closing end's handlers run at once.
      expect(atA.closes).toEqual([{ code: 4403, reason: 'closed by a' }])
      expect(a.isOpen).toBe(false)
      expect(a.send(numbered(0, 1))).toBe(false)
      await waitFor(() => atB.closes.length > 0, { what: 'the close to reach b' })
      expect(atB.messages).toHaveLength(20)
      expect(atB.closes).toEqual([{ code: 4403, reason: 'closed by a' }])
      expect(b.isOpen).toBe(false)
      expect(b.send(numbered(0, 1))).toBe(false)
    })

    it('S64: closes once; nothing arrives at an end after its close', async () => {
      const { a, b } = await setup()
      const atA = record(a)
      const atB = record(b)
      b.send(numbered(1, 10))
      a.close(1000, 'first')
      a.close(4400, 'second')
      b.send(numbered(2, 10))
      await waitFor(() => atB.closes.length > 0)
      // Nothing follows the close at either end.
      b.close(4400, 'late')
      a.send(numbered(3, 10))
      const echo = await setup()
      const atEcho = record(echo.b)
      echo.a.send(numbered(4, 1))
      await waitFor(() => atEcho.messages.length === 1, { what: 'a later round trip' })
      expect(atA.closes).toEqual([{ code: 1000, reason: 'first' }])
      expect(atA.messages).toEqual([])
      expect(atB.closes).toEqual([{ code: 1000, reason: 'first' }])
      expect(atB.messages).toEqual([])
    })

    it('S64: cuts a long reason to the 123 bytes a close frame carries, at both ends', async () => {
      const { a, b } = await setup()
      const atA = record(a)
      const atB = record(b)
      a.close(4429, 'é'.repeat(100))
      await waitFor(() => atB.closes.length > 0)
      expect(atA.closes[0]!.reason).toBe('é'.repeat(61))
      expect(atB.closes[0]).toEqual(atA.closes[0])
    })

    it('S64: a handler unsubscribed gets nothing more', async () => {
      const { a, b } = await setup()
      const seen: number[] = []
      const stop = b.on('message', (message) => seen.push(message[0]!))
      const atB = record(b)
      a.send(new Uint8Array([1]))
      await waitFor(() => atB.messages.length === 1)
      stop()
      a.send(new Uint8Array([2]))
      await waitFor(() => atB.messages.length === 2)
      expect(seen).toEqual([1])
    })
  })
}
