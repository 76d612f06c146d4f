// Import jobs: the progress of one CSV import that a client named (`?job=`), so another request
// can watch it as Server-Sent Events while the upload runs. In memory, per server; they expire.
import { TesseraError } from '../../src/index.js'

/** Where an import is. `percent` is known once the body's length is (Content-Length). */
export interface ImportProgress {
  phase: 'waiting' | 'receiving' | 'applying' | 'storing' | 'done' | 'failed'
  bytes: number
  totalBytes?: number
  /** Records read so far (the header included). */
  records: number
  percent?: number
  /** The import's answer once done, or its error once failed. */
  result?: unknown
  error?: { code: string; message: string }
}

/** The jobs of one server. */
export interface ImportJobs {
  /** The job's progress, created (waiting) when new. @throws TOO_MANY_REQUESTS past the cap */
  open(key: string): ImportProgress
  update(key: string, patch: Partial<ImportProgress>): void
  /** Calls `listener` with every change; returns the function that stops it. */
  subscribe(key: string, listener: (progress: ImportProgress) => void): () => void
  close(): void
}

const maxJobs = 1000
const keepFinishedMs = 60_000
const keepWaitingMs = 10 * 60_000

/** A job's key: the table, the id the client chose and the caller, so only its owner sees it. */
export function jobKey(table: string, job: unknown, caller: string | null): string {
  if (typeof job !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(job)) {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      `job must be 1-64 letters, digits, _ or -, got ${JSON.stringify(job)}`,
    )
  }
  return JSON.stringify([table, job, caller])
}

/** Creates an empty set of jobs. */
export function createImportJobs(): ImportJobs {
  const jobs = new Map<
    string,
    {
      progress: ImportProgress
      listeners: Set<(p: ImportProgress) => void>
      timer?: NodeJS.Timeout
    }
  >()
  const expire = (key: string, afterMs: number): void => {
    const job = jobs.get(key)
    if (job === undefined) return
    clearTimeout(job.timer)
    job.timer = setTimeout(() => jobs.delete(key), afterMs)
    job.timer.unref()
  }
  return {
    open(key) {
      const existing = jobs.get(key)
      if (existing !== undefined) return existing.progress
      if (jobs.size >= maxJobs) {
        throw new TesseraError(
          'TOO_MANY_REQUESTS',
          'too many import jobs at once; retry in a minute',
        )
      }
      jobs.set(key, { progress: { phase: 'waiting', bytes: 0, records: 0 }, listeners: new Set() })
      expire(key, keepWaitingMs)
      return jobs.get(key)!.progress
    },
    update(key, patch) {
      const job = jobs.get(key)
      if (job === undefined) return
      job.progress = { ...job.progress, ...patch }
      const { bytes, totalBytes, phase } = job.progress
      if (phase === 'done') job.progress.percent = 100
      else if (totalBytes !== undefined && totalBytes > 0)
        job.progress.percent = Math.min(
          99,
          Math.floor((bytes / totalBytes) * 90) + (phase === 'receiving' ? 0 : 5),
        )
      for (const listener of job.listeners) listener(job.progress)
      if (phase === 'done' || phase === 'failed') expire(key, keepFinishedMs)
    },
    subscribe(key, listener) {
      const job = jobs.get(key)
      job?.listeners.add(listener)
      return () => job?.listeners.delete(listener)
    },
    close() {
      for (const job of jobs.values()) clearTimeout(job.timer)
      jobs.clear()
    },
  }
}
