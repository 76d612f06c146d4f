// Hocuspocus for the benchmarks, persisting like its SQLite extension: the whole document is
// stored after its debounce (default 2 s, at most 10 s), not before broadcast.
import Database from 'better-sqlite3'
import { Server } from '@hocuspocus/server'
import * as Y from 'yjs'

const db = new Database(process.argv[2] ?? ':memory:')
db.pragma('journal_mode = WAL')
db.exec('CREATE TABLE IF NOT EXISTS documents (name TEXT PRIMARY KEY, data BLOB NOT NULL)')
const read = db.prepare<[string], { data: Buffer }>('SELECT data FROM documents WHERE name = ?')
const write = db.prepare<[string, Uint8Array]>(
  'INSERT INTO documents (name, data) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET data = excluded.data',
)

const server = new Server({
  port: 0,
  address: '127.0.0.1',
  quiet: true,
  stopOnSignals: false,
  onLoadDocument: ({ documentName, document }) => {
    const row = read.get(documentName)
    if (row !== undefined) Y.applyUpdate(document, new Uint8Array(row.data))
    return Promise.resolve(document)
  },
  onStoreDocument: ({ documentName, document }) => {
    write.run(documentName, Y.encodeStateAsUpdate(document))
    return Promise.resolve()
  },
})
await server.listen()
console.log(`serving on http://127.0.0.1:${server.address.port}`)
