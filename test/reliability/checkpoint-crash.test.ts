// S265: kill -9 of a process while its checkpoint worker copies the WAL back (a pass runs after
// every commit, so the worker is nearly always in one) loses no committed row, and the file
// passes integrity_check.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { expect, it } from 'vitest'
import { bundleEntry } from '../helpers/child-server.js'
import { tempDir } from '../helpers/temp-dir.js'
import { waitFor } from '../helpers/wait-for.js'

it('S265: kill -9 during checkpoints loses nothing committed', async () => {
  const file = await bundleEntry('test/reliability/checkpoint-writer.ts', 'checkpoint-writer')
  const path = join(tempDir(), 'crash.db')
  for (let cycle = 0; cycle < 3; cycle++) {
    const child = spawn(process.execPath, [file, path], { stdio: ['ignore', 'pipe', 'pipe'] })
    let committed = 0
    let passes = 0
    let errors = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) {
        if (line === 'pass') passes++
        else if (line.startsWith('committed ')) committed = Number(line.slice(10))
      }
    })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (errors += chunk))
    const exited = new Promise((resolve) => child.once('exit', resolve))
    await waitFor(() => passes >= 5 + cycle * 3 || child.exitCode !== null, {
      what: 'the child to commit and checkpoint',
      timeoutMs: 30_000,
    })
    expect(errors).toBe('')
    child.kill('SIGKILL')
    await exited
    const db = new Database(path)
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
      // Every row whose commit was reported is there (more may be: committed, not yet reported).
      expect(Number(db.prepare('SELECT count(*) FROM t').pluck().get())).toBeGreaterThanOrEqual(
        committed,
      )
    } finally {
      db.close()
    }
  }
})
