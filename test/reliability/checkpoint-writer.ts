// The child of checkpoint-crash.test.ts: `node checkpoint-writer.mjs <db>` commits 2 KiB rows in
// turns, as fast as they commit, on a SQLite file whose checkpoint worker (S265) copies after
// every commit, and prints "committed <rows>" after each commit and "pass" after each pass.
import { openSqlite } from '../../server/adapters/sqlite-database.js'

const [path = 'checkpoints.db'] = process.argv.slice(2)
const database = openSqlite({
  path,
  synchronous: 'normal',
  schema: 'CREATE TABLE IF NOT EXISTS t (k INTEGER PRIMARY KEY, v BLOB)',
  checkpoints: 'worker',
  checkpointPacing: { intervalMs: 0, restartFrames: 500 },
})
database.onCheckpoint(() => process.stdout.write('pass\n'))
const insert = database.db.prepare<[number, Uint8Array]>('INSERT INTO t (k, v) VALUES (?, ?)')
const value = new Uint8Array(2048).fill(1)
// Rows of an earlier life of the file (the test kills and restarts this process) are kept.
let key = Number(database.db.prepare('SELECT count(*) FROM t').pluck().get())
for (;;) {
  await database.runInTurn('write', () => {
    for (let row = 0; row < 20; row++) insert.run(key++, value)
  })
  process.stdout.write(`committed ${key}\n`)
}
