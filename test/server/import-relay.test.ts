// S213 over an in-process fanout: the progress of an import run on one node shows in a job
// watched on another, also when the watch starts after the import finished; what is not a
// message of ours on the channel is ignored. Over Redis: test/cluster/import-progress.test.ts.
import { expect, it, onTestFinished } from 'vitest'
import { createMemoryFanoutHub, type MemoryFanoutHub } from '../../server/adapters/memory-fanout.js'
import { createImportJobs, type ImportProgress } from '../../server/csv/import-jobs.js'
import { decodeImportMessage, relayImportJobs } from '../../server/csv/import-relay.js'
import { waitFor } from '../helpers/wait-for.js'

const node = async (hub: MemoryFanoutHub) => {
  const fanout = hub.connect()
  const jobs = await relayImportJobs(createImportJobs(), async (handler) => {
    const stop = await fanout.subscribe('tessera:imports', handler)
    return {
      publish: (bytes) => void fanout.publish('tessera:imports', bytes),
      close: stop,
    }
  })
  onTestFinished(() => jobs.close())
  return { fanout, jobs }
}

it('S213: a job watched on one node shows the progress of the import another node runs', async () => {
  const hub = createMemoryFanoutHub()
  const [runner, watcher] = await Promise.all([node(hub), node(hub)])
  const seen: ImportProgress[] = []
  expect(watcher.jobs.open('job')).toMatchObject({ phase: 'waiting' })
  watcher.jobs.subscribe('job', (progress) => seen.push(progress))
  runner.jobs.open('job')
  runner.jobs.update('job', { phase: 'receiving', totalBytes: 1000 })
  for (let bytes = 100; bytes <= 1000; bytes += 100) runner.jobs.update('job', { bytes })
  runner.jobs.update('job', { phase: 'applying', records: 10 })
  runner.jobs.update('job', { phase: 'done', result: { inserted: 9 } })
  await waitFor(() => seen.at(-1)?.phase === 'done', { what: 'done on the watching node' })
  expect(seen.map((progress) => progress.phase)).toEqual(
    expect.arrayContaining(['receiving', 'applying', 'done']),
  )
  expect(seen.at(-1)).toMatchObject({ percent: 100, records: 10, result: { inserted: 9 } })
  const percents = seen.flatMap((progress) =>
    progress.percent === undefined ? [] : [progress.percent],
  )
  expect(percents).toEqual([...percents].sort((a, b) => a - b))

  // A watch that starts after the end asks, and the running node answers where the job is.
  const late = await node(hub)
  const lateSeen: ImportProgress[] = []
  late.jobs.open('job')
  late.jobs.subscribe('job', (progress) => lateSeen.push(progress))
  await waitFor(() => lateSeen.at(-1)?.phase === 'done', { what: 'done for a late watcher' })
})

it('S213: anything else on the channel is ignored', () => {
  const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value))
  expect(decodeImportMessage(new Uint8Array([0xff, 0x00]))).toBeUndefined()
  expect(decodeImportMessage(encode(null))).toBeUndefined()
  expect(decodeImportMessage(encode({ node: 1, key: 'k' }))).toBeUndefined()
  const badPhase = { node: 'n', key: 'k', progress: { phase: 'lost', bytes: 0, records: 0 } }
  expect(decodeImportMessage(encode(badPhase))).toBeUndefined()
  const noBytes = { node: 'n', key: 'k', progress: { phase: 'done', records: 0 } }
  expect(decodeImportMessage(encode(noBytes))).toBeUndefined()
  expect(decodeImportMessage(encode({ node: 'n', key: 'k', progress: 'x' }))).toBeUndefined()
  expect(decodeImportMessage(encode({ node: 'n', key: 'k' }))).toEqual({ node: 'n', key: 'k' })
})
