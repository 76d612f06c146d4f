// A Redis of the test's own (so the test may kill and restart it), on a free loopback port, with
// no persistence: a restart comes back empty, as a failed-over or restarted Redis may.
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { onTestFinished } from 'vitest'
import { Redis } from 'ioredis'
import { tempDir } from './temp-dir.js'
import { waitFor } from './wait-for.js'

export interface TestRedis {
  readonly url: string
  /** Kills it (SIGKILL) and waits for the exit. */
  kill(): Promise<void>
  /** Starts it again on the same port. */
  start(): Promise<void>
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => {
        resolve(typeof address === 'object' && address !== null ? address.port : 0)
      })
    })
  })

/** Starts `redis-server` for this test; killed when the test finishes. */
export async function startTestRedis(): Promise<TestRedis> {
  const port = await freePort()
  const dir = tempDir()
  let child: ChildProcess | undefined
  const isAnswering = async (): Promise<boolean> => {
    const probe = new Redis({
      port,
      host: '127.0.0.1',
      lazyConnect: true,
      retryStrategy: () => null,
    })
    probe.on('error', () => undefined)
    try {
      await probe.connect()
      return (await probe.ping()) === 'PONG'
    } catch {
      return false
    } finally {
      probe.disconnect()
    }
  }
  const redis: TestRedis = {
    url: `redis://127.0.0.1:${port}`,
    async start() {
      const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly']
      child = spawn('redis-server', [...args, 'no', '--dir', dir], { stdio: 'ignore' })
      await waitFor(isAnswering, { what: `redis-server on port ${port}`, timeoutMs: 20_000 })
    },
    async kill() {
      const current = child
      if (current === undefined || current.exitCode !== null || current.signalCode !== null) return
      current.kill('SIGKILL')
      await waitFor(() => current.exitCode !== null || current.signalCode !== null, {
        what: 'redis-server to exit',
      })
    },
  }
  await redis.start()
  onTestFinished(() => redis.kill())
  return redis
}
