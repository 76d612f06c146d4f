// The in-memory transport pair passes the Transport contract, and the test decides delivery.
import { describe, expect, it } from 'vitest'
import { createMemoryTransportPair } from '../../src/internal.js'
import { runTransportContract } from './transport.contract.js'

runTransportContract('memory', () => Promise.resolve(createMemoryTransportPair()))

describe('memory transport', () => {
  it('S64: in manual mode nothing moves until the test delivers it', () => {
    const pair = createMemoryTransportPair({ isManual: true })
    const received: number[] = []
    pair.b.on('message', (message) => received.push(message[0]!))
    pair.a.send(new Uint8Array([1, 1]))
    pair.a.send(new Uint8Array([2]))
    expect(pair.a.bufferedBytes).toBe(3)
    expect(pair.pending).toBe(2)
    expect(pair.deliverOne()).toBe(true)
    expect(received).toEqual([1])
    expect(pair.a.bufferedBytes).toBe(1)
    pair.b.on('message', () => pair.b.send(new Uint8Array([9])))
    expect(pair.deliverAll()).toBe(2)
    expect(received).toEqual([1, 2])
    expect(pair.deliverOne()).toBe(false)
  })

  it('S64: copies what is sent, so the sender may reuse its buffer', () => {
    const pair = createMemoryTransportPair({ isManual: true })
    const received: Uint8Array[] = []
    pair.b.on('message', (message) => received.push(message))
    const buffer = new Uint8Array([1, 2, 3])
    pair.a.send(buffer)
    buffer.fill(0)
    pair.deliverAll()
    expect(received).toEqual([new Uint8Array([1, 2, 3])])
  })
})
