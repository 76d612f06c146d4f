// The CLI's tool commands run in-process (the same functions `tessera` runs): backup, restore,
// export and import against a real server, their argument checks and their progress bars.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { isTesseraError } from '../../src/index.js'
import { backupDatabase, restoreDatabase } from '../../server/history/backup.js'
import { createProgressBar } from '../../server/csv/progress-bar.js'
import { toolCommand, type ToolIo } from '../../server/tool-commands.js'
import { call } from '../helpers/auth.js'
import { startServer } from '../helpers/start-server.js'
import { tempDir } from '../helpers/temp-dir.js'

/** An io that keeps what a command printed, wrote and drew. */
const capture = (env: Record<string, string> = {}) => {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  const out: string[] = []
  let data = ''
  let notes = ''
  stdout.on('data', (chunk: Buffer) => (data += chunk.toString()))
  stderr.on('data', (chunk: Buffer) => (notes += chunk.toString()))
  const io: ToolIo = {
    stdout,
    stderr,
    env,
    readFile: (path) => readFileSync(path, 'utf8'),
    print: (line) => out.push(line),
  }
  return { io, out, data: () => data, notes: () => notes }
}

const run = async (args: string[], io: ToolIo): Promise<unknown> => {
  const command = toolCommand(args[0])
  if (command === undefined) throw new Error(`no tool command ${String(args[0])}`)
  return command(args.slice(1), io).then(
    () => undefined,
    (error: unknown) => error,
  )
}

describe('tool commands', () => {
  it('S108 S109: backup and restore, with the database from --db, TESSERA_DB or the config file', async () => {
    const server = await startServer()
    await call(server, 'POST', '/tables', {
      body: { name: 't', columns: [{ name: 'n', type: 'number' }] },
    })
    await call(server, 'POST', '/tables/t/rows', { body: { id: 'a', n: 1 } })
    const dir = tempDir()
    const config = join(dir, 'tessera.json')
    writeFileSync(config, JSON.stringify({ dbPath: server.dbPath }))
    const first = capture()
    expect(await run(['backup', join(dir, 'b1.db'), '--config', config], first.io)).toBeUndefined()
    expect(first.out[0]).toMatch(/backed up .* to .*b1\.db/)
    const second = capture({ TESSERA_DB: server.dbPath })
    expect(await run(['backup', join(dir, 'nested', 'b2.db')], second.io)).toBeUndefined()
    const restored = capture()
    const at = new Date().toISOString()
    expect(
      await run(
        ['restore', join(dir, 'nested', 'b2.db'), '--db', join(dir, 'r.db'), '--at', at],
        restored.io,
      ),
    ).toBeUndefined()
    expect(restored.out[0]).toMatch(/restored 1 table\(s\) into .*r\.db, as of/)
    const again = capture()
    const refused = await run(
      ['restore', join(dir, 'nested', 'b2.db'), '--db', join(dir, 'r.db')],
      again.io,
    )
    expect(isTesseraError(refused, 'INVALID_ARGUMENT')).toBe(true)
    expect(
      await run(
        ['restore', join(dir, 'nested', 'b2.db'), '--db', join(dir, 'r.db'), '--force'],
        again.io,
      ),
    ).toBeUndefined()
    expect(again.out[0]).toMatch(/as it was backed up/)
    const badConfig = await run(
      ['backup', join(dir, 'x.db'), '--config', join(dir, 'none.json')],
      capture().io,
    )
    expect(String(badConfig)).toMatch(/cannot read the config file/)
  })

  it('refuses what backupDatabase and restoreDatabase cannot do', async () => {
    const dir = tempDir()
    const self = await backupDatabase(join(dir, 'a.db'), join(dir, 'a.db')).catch(
      (error: unknown) => error,
    )
    expect(isTesseraError(self, 'INVALID_ARGUMENT')).toBe(true)
    const missing = await backupDatabase(join(dir, 'none.db'), join(dir, 'b.db')).catch(
      (error: unknown) => error,
    )
    expect(isTesseraError(missing, 'STORAGE_FAILURE')).toBe(true)
    expect(existsSync(join(dir, 'b.db.partial'))).toBe(false)
    const noBackup = await restoreDatabase({
      backup: join(dir, 'none.db'),
      target: join(dir, 'c.db'),
    }).catch((error: unknown) => error)
    expect(String(noBackup)).toMatch(/no backup file/)
  })

  it('S110 S111: export to stdout or a file and import a file, with their progress bars', async () => {
    const server = await startServer()
    const columns = [{ name: 'title', type: 'string' }]
    await call(server, 'POST', '/tables', { body: { name: 'a', columns } })
    await call(server, 'POST', '/tables/a/rows', { body: [{ title: 'x' }, { title: 'y, z' }] })
    const exported = capture({ TESSERA_URL: server.url })
    expect(await run(['export', '--table', 'a'], exported.io)).toBeUndefined()
    expect(exported.data()).toMatch(/^id,title\r\n.*,x\r\n.*,"y, z"\r\n$/)
    expect(exported.notes()).toMatch(/100% 2\/2 rows[\s\S]*exported 2 row\(s\) of a/)
    const file = join(tempDir(), 'a.csv')
    const toFile = capture()
    expect(
      await run(['export', '--table', 'a', '--out', file, '--url', server.url], toFile.io),
    ).toBeUndefined()
    expect(readFileSync(file, 'utf8')).toBe(exported.data())
    await call(server, 'POST', '/tables', { body: { name: 'b' } })
    const imported = capture()
    const args = [
      'import',
      file,
      '--table',
      'b',
      '--url',
      server.url,
      '--create-columns',
      '--skip-bad-lines',
    ]
    expect(await run(args, imported.io)).toBeUndefined()
    expect(imported.out[0]).toMatch(
      /2 inserted, 0 updated, 0 bad line\(s\) skipped, columns created: title/,
    )
    expect(imported.notes()).toMatch(/100%/)
  })

  it('names what is wrong with the arguments, the server or the table', async () => {
    const server = await startServer()
    const io = capture().io
    expect(String(await run(['export'], io))).toMatch(/--table is required/)
    expect(String(await run(['export', '--table'], io))).toMatch(/--table needs a value/)
    expect(String(await run(['import', '--table', 'a'], io))).toMatch(/expected 1 argument/)
    expect(
      String(await run(['export', '--table', 'a', '--url', server.url, '--nope', '1'], io)),
    ).toMatch(/unknown option --nope/)
    const missing = await run(['export', '--table', 'nope', '--url', server.url], io)
    expect(isTesseraError(missing, 'TABLE_NOT_FOUND')).toBe(true)
    const closed = await run(['export', '--table', 'a', '--url', 'http://127.0.0.1:1'], io)
    expect(String(closed)).toMatch(/cannot reach .*is the server running/)
    expect(toolCommand('serve')).toBeUndefined()
    expect(toolCommand('constructor')).toBeUndefined()
  })

  it('draws a progress bar in place on a terminal and in tenths elsewhere', () => {
    const written: string[] = []
    const terminal = Object.assign(new PassThrough(), { isTTY: true })
    terminal.on('data', (chunk: Buffer) => written.push(chunk.toString()))
    const bar = createProgressBar(terminal)
    bar.update(1, 4, 'a')
    bar.update(1, 4, 'a')
    bar.update(4, 4, 'b')
    bar.finish()
    expect(written).toEqual([
      `\r[${'#'.repeat(8)}${'.'.repeat(22)}]  25% a\u001b[K`,
      `\r[${'#'.repeat(30)}] 100% b\u001b[K`,
      '\n',
    ])
    const lines: string[] = []
    const log = new PassThrough()
    log.on('data', (chunk: Buffer) => lines.push(chunk.toString()))
    const plain = createProgressBar(log)
    for (let done = 0; done <= 100; done++) plain.update(done, 100, 'rows')
    plain.update(5, undefined, 'count only')
    expect(lines).toHaveLength(12)
  })
})
