// S213: an import's progress readable from any node. Every node publishes the progress of the
// imports it runs on one shared channel; a node whose client watches a job it does not run takes
// the progress in, and asks once, when the watch starts, for where the job already is.
// Knows the ImportJobs of one node and a SharedChannel, not Redis.
import { randomBytes } from 'node:crypto'
import type { SharedChannel } from '../cluster/cluster.js'
import type { ImportJobs, ImportProgress } from './import-jobs.js'

/** A message on the imports channel: a job's progress, or (without it) "where is this job?". */
interface ImportMessage {
  node: string
  key: string
  progress?: ImportProgress
}

const phases = new Set(['waiting', 'receiving', 'applying', 'storing', 'done', 'failed'])
/** Progress while bytes arrive goes out at most this often per job; phase changes at once. */
const publishEveryMs = 100
const keepFinishedMs = 60_000

/** The message in `bytes`, or undefined for anything else (another program on the channel). */
export function decodeImportMessage(bytes: Uint8Array): ImportMessage | undefined {
  let value: unknown
  try {
    value = JSON.parse(new TextDecoder().decode(bytes))
  } catch {
    return undefined
  }
  if (typeof value !== 'object' || value === null) return undefined
  const { node, key, progress } = value as Record<string, unknown>
  if (typeof node !== 'string' || typeof key !== 'string') return undefined
  if (progress === undefined) return { node, key }
  if (typeof progress !== 'object' || progress === null) return undefined
  const fields: Partial<ImportProgress> = progress
  if (!phases.has(String(fields.phase))) return undefined
  if (typeof fields.bytes !== 'number' || typeof fields.records !== 'number') return undefined
  return { node, key, progress: fields as ImportProgress }
}

/**
 * `jobs` shared with the other nodes through `open(handler)` (Cluster.openChannel): what runs
 * here is published, what another node runs shows in the jobs watched here.
 */
export async function relayImportJobs(
  jobs: ImportJobs,
  open: (handler: (bytes: Uint8Array) => void) => Promise<SharedChannel>,
): Promise<ImportJobs> {
  const node = randomBytes(8).toString('hex')
  // Jobs this node runs (it got an update for them), with when their progress last went out.
  const running = new Map<string, { phase: string; sentMs: number }>()
  const current = new Map<string, ImportProgress>()
  const timers = new Set<NodeJS.Timeout>()
  // A finished job still answers queries as long as the jobs keep it (a minute).
  const forget = (key: string): void => {
    const timer = setTimeout(() => {
      timers.delete(timer)
      running.delete(key)
      current.delete(key)
    }, keepFinishedMs)
    timer.unref()
    timers.add(timer)
  }
  const send = (message: ImportMessage): void => {
    channel.publish(new TextEncoder().encode(JSON.stringify(message)))
  }
  const channel = await open((bytes) => {
    const message = decodeImportMessage(bytes)
    if (message === undefined || message.node === node) return
    if (message.progress !== undefined) {
      if (!running.has(message.key)) jobs.update(message.key, message.progress)
      return
    }
    const progress = current.get(message.key)
    if (running.has(message.key) && progress !== undefined)
      send({ node, key: message.key, progress })
  })
  return {
    open(key) {
      const isNew = !current.has(key) && !running.has(key)
      const progress = jobs.open(key)
      // A watcher here of a job that may run elsewhere: ask where it is.
      if (isNew) send({ node, key })
      return progress
    },
    update(key, patch) {
      jobs.update(key, patch)
      const progress: ImportProgress = {
        ...(current.get(key) ?? { phase: 'waiting', bytes: 0, records: 0 }),
        ...patch,
      }
      current.set(key, progress)
      const last = running.get(key)
      const nowMs = Date.now()
      if (last?.phase === progress.phase && nowMs - last.sentMs < publishEveryMs) return
      running.set(key, { phase: progress.phase, sentMs: nowMs })
      send({ node, key, progress })
      if (progress.phase === 'done' || progress.phase === 'failed') forget(key)
    },
    subscribe: (key, listener) => jobs.subscribe(key, listener),
    close() {
      for (const timer of timers) clearTimeout(timer)
      channel.close()
      jobs.close()
    },
  }
}
