// Sync answers are budgeted per connection (docs/semantics.md S88): the budget's rules with a
// fake clock, then a reader flooding sync requests on a real server while a writer saves.
import WebSocket from 'ws'
import * as Y from 'yjs'
import * as decoding from 'lib0/decoding'
import { describe, expect, it, onTestFinished } from 'vitest'
import { createSyncAnswers, type StateVector } from '../../server/answer-budget.js'
import { createTable } from '../../src/index.js'
import { MessageType } from '../../src/internal.js'
import { encodeSyncMessage } from '../helpers/rights.js'
import { startServer } from '../helpers/start-server.js'
import { connectClient } from '../helpers/sync-client.js'
import { waitFor } from '../helpers/wait-for.js'

/** A budget over a fake clock: scheduled callbacks run when the test advances time. */
function fakeAnswers(options: { perSecond: number; burst: number; answerBytes: number }) {
  let time = 0
  let timers: { at: number; run: () => void }[] = []
  const sent: StateVector[] = []
  let delayed = 0
  const answers = createSyncAnswers(
    { syncAnswerBytesPerSecond: options.perSecond, syncAnswerBurstBytes: options.burst },
    {
      whenCommitted: (callback) => {
        callback()
      },
      send: (vector) => {
        sent.push(vector)
        return options.answerBytes
      },
      onDelayed: () => delayed++,
      now: () => time,
      schedule: (run, ms) => {
        const timer = { at: time + ms, run }
        timers.push(timer)
        return () => {
          timers = timers.filter((other) => other !== timer)
        }
      },
    },
  )
  const advance = (ms: number) => {
    time += ms
    for (let due = timers.filter((timer) => timer.at <= time); due.length > 0;) {
      timers = timers.filter((timer) => !due.includes(timer))
      for (const timer of due) timer.run()
      due = timers.filter((timer) => timer.at <= time)
    }
  }
  return { answers, sent, advance, delayed: () => delayed }
}

describe('the answer budget', () => {
  it('S88: requests that arrive while an answer is pending merge into it, with what both lack', () => {
    const { answers, sent, advance, delayed } = fakeAnswers({
      perSecond: 1000,
      burst: 10_000,
      answerBytes: 10,
    })
    answers.request(
      new Map([
        [1, 5],
        [2, 7],
      ]),
    )
    answers.request(
      new Map([
        [1, 3],
        [2, 9],
        [3, 1],
      ]),
    )
    expect(answers.isPending).toBe(true)
    advance(0)
    expect(sent).toEqual([
      new Map([
        [1, 3],
        [2, 7],
      ]),
    ])
    expect(answers.isPending).toBe(false)
    expect(delayed()).toBe(1)
  })

  it('S88: the first answer goes at once whatever its size; later ones wait for the budget', () => {
    const { answers, sent, advance } = fakeAnswers({
      perSecond: 1000,
      burst: 500,
      answerBytes: 3000,
    })
    answers.request(new Map())
    advance(0)
    expect(sent).toHaveLength(1)
    // 2500 bytes over the budget: the next answer waits 2.5 s, and requests meanwhile merge.
    for (let index = 0; index < 400; index++) answers.request(new Map())
    advance(2499)
    expect(sent).toHaveLength(1)
    advance(1)
    expect(sent).toHaveLength(2)
    expect(answers.isPending).toBe(false)
  })

  it('S88: a disposed connection gets no answer', () => {
    const { answers, sent, advance } = fakeAnswers({ perSecond: 1, burst: 0, answerBytes: 10 })
    answers.request(new Map())
    answers.dispose()
    advance(60_000)
    expect(sent).toEqual([])
  })
})

/** A raw reader: counts the sync answers (sync step 2) it receives and their bytes. */
async function openReader(url: string) {
  const socket = new WebSocket(url)
  socket.binaryType = 'nodebuffer'
  onTestFinished(() => {
    socket.terminate()
  })
  const reader = {
    answers: 0,
    answerBytes: 0,
    saved: 0,
    closeCode: undefined as number | undefined,
  }
  socket.on('message', (data: Buffer) => {
    const decoder = decoding.createDecoder(new Uint8Array(data))
    const type = decoding.readVarUint(decoder)
    if (type === MessageType.Sync && decoding.readVarUint(decoder) === 1) {
      reader.answers++
      reader.answerBytes += data.byteLength
    }
    if (type === MessageType.Saved) reader.saved++
  })
  socket.on('close', (code) => (reader.closeCode = code))
  await new Promise((resolve) => socket.once('open', resolve))
  return { reader, send: (bytes: Uint8Array) => socket.send(bytes) }
}

describe('a reader flooding sync requests', () => {
  it("S88: gets merged answers, and a writer's acknowledgements are not delayed", async () => {
    // No burst: after the first answer, the next waits for its bytes at 8 MiB/s (about 0.3 s).
    const server = await startServer({
      syncAnswerBytesPerSecond: 8 * 1024 * 1024,
      syncAnswerBurstBytes: 0,
    })
    const writer = connectClient(server.wsUrl, 'big')
    await writer.whenSynced()
    const table = createTable({ doc: writer.doc, columns: [{ name: 'text', type: 'string' }] })
    table.transact(() => {
      for (let index = 0; index < 200; index++)
        table.insertRow({ text: `${index}`.padEnd(10_000, 'x') })
    })
    await writer.save()
    const tableBytes = Y.encodeStateAsUpdate(writer.doc).byteLength
    const saveTimed = async () => {
      const started = performance.now()
      table.insertRow({ text: 'a small edit' })
      await writer.save()
      return performance.now() - started
    }
    const baseline: number[] = []
    for (let index = 0; index < 5; index++) baseline.push(await saveTimed())

    const { reader, send } = await openReader(`${server.wsUrl}/big`)
    send(encodeSyncMessage(0, Y.encodeStateVector(new Y.Doc())))
    await waitFor(() => reader.answers === 1, { what: 'the first answer' })
    // 400 four-byte requests for the whole table, then a saved probe behind them.
    const request = encodeSyncMessage(0, Y.encodeStateVector(new Y.Doc()))
    expect(request.byteLength).toBe(4)
    for (let index = 0; index < 400; index++) send(request)
    send(new Uint8Array([MessageType.Saved, 1]))
    const flooded: number[] = []
    const answersAtAcks: number[] = []
    for (let index = 0; index < 5; index++) {
      flooded.push(await saveTimed())
      answersAtAcks.push(reader.answers)
    }
    await waitFor(() => reader.saved === 1, { what: 'the probe behind the requests' })
    // Every request is in: they all merged into at most one more answer, sent within the budget.
    await waitFor(() => reader.answers >= 2, { what: 'the merged answer', timeoutMs: 30_000 })
    expect(reader.answers).toBe(2)
    expect(reader.closeCode).toBeUndefined()
    expect(reader.answerBytes).toBeLessThan(3 * tableBytes)
    expect(Math.max(...answersAtAcks)).toBeLessThanOrEqual(2)
    const worst = (times: number[]) => Math.max(...times)
    expect(worst(flooded)).toBeLessThan(Math.max(20 * worst(baseline), worst(baseline) + 1000))
    const metrics = await (await fetch(`${server.url}/metrics`)).text()
    expect(metrics).toMatch(/tessera_sync_answers_delayed_total \d{3}/)
  })
})
