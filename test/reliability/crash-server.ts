// The server the reliability tests run in a child process (to kill it or to measure its memory):
// `node crash-server.mjs <db> '<json options>' [crash-in-compaction]`. With crash-in-compaction
// it kills itself with SIGKILL inside its first compaction transaction.
import { createServer, createSqliteStore, type ServerOptions } from '../../server/index.js'

const [dbPath = 'crash.db', json = '{}', mode = ''] = process.argv.slice(2)
const options = JSON.parse(json) as ServerOptions
const store = createSqliteStore({
  path: dbPath,
  synchronous: options.sqliteSynchronous ?? 'full',
  ...(mode === 'crash-in-compaction'
    ? {
        insideCompaction: () => {
          process.kill(process.pid, 'SIGKILL')
        },
      }
    : {}),
})
const server = await createServer({
  host: '127.0.0.1',
  port: 0,
  staticDir: false,
  ...options,
  store,
})
process.stdout.write(`serving on ${server.url ?? ''}\n`)
