// CSV in and out of a real server: export streams the rows as RFC 4180 with the rows endpoint's
// parameters; import converts by column types, names bad lines, and is one audited change.
import { describe, expect, it } from 'vitest'
import { parse } from 'csv-parse/sync'
import { call } from '../helpers/auth.js'
import { startServer, type TestServer } from '../helpers/start-server.js'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runCli } from '../helpers/cli.js'
import { iso, markTime } from '../helpers/history.js'
import { tempDir } from '../helpers/temp-dir.js'

const columns = [
  { name: 'title', type: 'string' },
  { name: 'amount', type: 'number' },
  { name: 'done', type: 'boolean' },
  { name: 'due', type: 'date' },
  { name: 'meta', type: 'json' },
]

const createTable = async (server: TestServer, name = 'items') => {
  expect((await call(server, 'POST', '/tables', { body: { name, columns } })).status).toBe(201)
}

/** POSTs CSV text to the import endpoint. */
const importCsv = async (server: TestServer, table: string, csv: string, query = '') => {
  const response = await fetch(`${server.url}/tables/${table}/import${query}`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv' },
    body: csv,
  })
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

const exportCsv = async (server: TestServer, path: string) => {
  const response = await fetch(`${server.url}${path}`)
  return { response, text: await response.text() }
}

describe('CSV export', () => {
  it('S110: streams a header from the schema and each row with values formatted by type and quoted by RFC 4180', async () => {
    const server = await startServer()
    await createTable(server)
    await call(server, 'POST', '/tables/items/rows', {
      body: [
        {
          id: 'a',
          title: 'plain',
          amount: 1200.5,
          done: true,
          due: '2026-12-01',
          meta: { k: [1] },
        },
        { id: 'b', title: 'comma, "quote"\nnewline', amount: -3, done: false },
        { id: 'c', title: '' },
      ],
    })
    const { response, text } = await exportCsv(server, '/tables/items/export.csv')
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(response.headers.get('x-total-rows')).toBe('3')
    expect(text).toBe(
      'id,title,amount,done,due,meta\r\n' +
        'a,plain,1200.5,true,2026-12-01T00:00:00.000Z,"{""k"":[1]}"\r\n' +
        'b,"comma, ""quote""\nnewline",-3,false,,\r\n' +
        'c,"",,,,\r\n',
    )
    expect(parse(text, { columns: true })).toHaveLength(3)
    const page = await exportCsv(server, '/tables/items/export.csv?offset=1&limit=1')
    expect(page.text.split('\r\n')[1]).toMatch(/^b,/)
    const query = encodeURIComponent(JSON.stringify({ where: { amount: { gt: 0 } } }))
    const queried = await exportCsv(server, `/tables/items/export.csv?query=${query}`)
    expect(queried.text.trim().split('\r\n')).toHaveLength(2)
  })

  it('S110: exports the table as it was with ?at=, and refuses a bad parameter', async () => {
    const server = await startServer()
    await createTable(server)
    await call(server, 'POST', '/tables/items/rows', { body: { id: 'a', title: 'then' } })
    const then = await markTime(server, 'items')
    await call(server, 'PATCH', '/tables/items/rows/a', { body: { title: 'now' } })
    const { text } = await exportCsv(server, `/tables/items/export.csv?at=${iso(then)}`)
    expect(text).toContain('a,then,')
    const bad = await exportCsv(server, '/tables/items/export.csv?limit=-1')
    expect(bad.response.status).toBe(400)
    const missing = await exportCsv(server, '/tables/nope/export.csv')
    expect(missing.response.status).toBe(404)
  })

  it('S110: a large export waits for its reader chunk by chunk and leaves no listener behind', async () => {
    const server = await startServer()
    await createTable(server)
    const lines = Array.from({ length: 20_000 }, (_, n) => `r${n},row number ${n},${n}`)
    const imported = await importCsv(server, 'items', `id,title,amount\n${lines.join('\n')}`)
    expect(imported.body.inserted).toBe(20_000)
    const warnings: string[] = []
    const onWarning = (warning: Error): void => {
      warnings.push(warning.name)
    }
    process.on('warning', onWarning)
    try {
      const response = await fetch(`${server.url}/tables/items/export.csv`)
      const reader = response.body!.getReader()
      let bytes = 0
      let chunks = 0
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        bytes += value.byteLength
        chunks++
      }
      expect(chunks).toBeGreaterThan(10)
      expect(bytes).toBeGreaterThan(20_000 * 20)
      // Warnings are emitted on the next tick: let one pass before looking.
      await new Promise<void>((resolve) => setImmediate(resolve))
    } finally {
      process.off('warning', onWarning)
    }
    expect(warnings).not.toContain('MaxListenersExceededWarning')
  })
})

describe('CSV import', () => {
  it('S111: maps columns by header, converts by type, upserts by id, and is one change in history', async () => {
    const server = await startServer()
    await createTable(server)
    await call(server, 'POST', '/tables/items/rows', { body: { id: 'old', title: 'before' } })
    const before = (await server.store.load('items')).seq
    const csv =
      '\uFEFFamount,title,id,done,due,meta\r\n' +
      '"1,200",first,,yes,2026-12-01,"{""a"":1}"\r\n' +
      '\r\n' +
      '7,"",old,0,2026-12-01 10:30,\r\n'
    const imported = await importCsv(server, 'items', csv)
    expect(imported).toEqual({
      status: 200,
      body: { inserted: 1, updated: 1, columnsCreated: [], badLines: [], skipped: 0 },
    })
    const rows = (await call(server, 'GET', '/tables/items/rows')).body.rows
    expect(rows).toEqual([
      { id: 'old', title: '', amount: 7, done: false, due: '2026-12-01T10:30:00.000Z', meta: null },
      {
        id: expect.any(String),
        title: 'first',
        amount: 1200,
        done: true,
        due: '2026-12-01T00:00:00.000Z',
        meta: { a: 1 },
      },
    ])
    expect(await server.store.readLog('items', before, 10)).toHaveLength(1)
  })

  it('S111: reports bad lines by number and stores nothing of them; badLines=skip stores the good ones', async () => {
    const server = await startServer()
    await createTable(server)
    const csv = 'title,amount\r\nok,1\r\n"two\nlines",$12\r\nshort\r\nfine,"2,500"\r\n'
    const refused = await importCsv(server, 'items', csv)
    expect(refused.status).toBe(422)
    expect(refused.body.badLines).toEqual([
      { line: 3, column: 'amount', message: expect.stringMatching(/expects a number .*"\$12"/) },
      { line: 5, message: 'has 1 fields where the header has 2' },
    ])
    expect((await call(server, 'GET', '/tables/items/rows')).body.total).toBe(0)
    const skipped = await importCsv(server, 'items', csv, '?badLines=skip')
    expect(skipped.body).toMatchObject({ inserted: 2, skipped: 2 })
    const rows = (await call(server, 'GET', '/tables/items/rows')).body.rows as {
      title: string
      amount: number
    }[]
    expect(rows.map(({ title, amount }) => [title, amount])).toEqual([
      ['ok', 1],
      ['fine', 2500],
    ])
  })

  it('S111: creates missing columns typed by their values only when asked; refuses what is not CSV', async () => {
    const server = await startServer()
    await createTable(server)
    const csv = 'title,score,active,when\r\na,1,yes,2026-01-01\r\nb,2.5,no,\r\n'
    const unknown = await importCsv(server, 'items', csv)
    expect(unknown.status).toBe(400)
    expect((unknown.body.error as { message: string }).message).toMatch(
      /no column "score", "active", "when".*createColumns=true/,
    )
    const created = await importCsv(server, 'items', csv, '?createColumns=true')
    expect(created.body.columnsCreated).toEqual([
      { name: 'score', type: 'number' },
      { name: 'active', type: 'boolean' },
      { name: 'when', type: 'date' },
    ])
    const schema = (await call(server, 'GET', '/tables/items')).body.columns as { name: string }[]
    expect(schema.map((column) => column.name)).toContain('when')
    const unclosed = await importCsv(server, 'items', 'title\r\n"never closed\r\n')
    expect(unclosed.status).toBe(400)
    expect((unclosed.body.error as { message: string }).message).toMatch(/not CSV.*Quote/)
    const json = await fetch(`${server.url}/tables/items/import`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    })
    expect(json.status).toBe(400)
  })

  it('S111: refuses a CSV larger than maxImportBytes with 413', async () => {
    const server = await startServer({ maxImportBytes: 1000 })
    await createTable(server)
    const big = `title\r\n${'x'.repeat(50)}\r\n`.repeat(100)
    const refused = await importCsv(server, 'items', big)
    expect(refused.status).toBe(413)
    expect((await call(server, 'GET', '/tables/items/rows')).body.total).toBe(0)
  })

  it('S111: a job shows the progress of an import as Server-Sent Events, up to 100 %', async () => {
    const server = await startServer()
    await createTable(server)
    const events: { phase: string; percent?: number }[] = []
    const progress = await fetch(`${server.url}/tables/items/import/progress?job=job-1`)
    const reading = (async () => {
      const decoder = new TextDecoder()
      let buffer = ''
      for await (const chunk of progress.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk)
        for (const match of buffer.matchAll(/data: (.*)\n\n/g))
          events.push(JSON.parse(match[1]!) as { phase: string })
        buffer = buffer.slice(buffer.lastIndexOf('\n\n') + 2)
      }
    })()
    const csv = `title,amount\r\n${Array.from({ length: 5000 }, (_, n) => `row ${n},${n}`).join('\r\n')}\r\n`
    const imported = await importCsv(server, 'items', csv, '?job=job-1')
    expect(imported.body).toMatchObject({ inserted: 5000 })
    await reading
    expect(events[0]!.phase).toBe('waiting')
    expect(events.map((event) => event.phase)).toContain('receiving')
    expect(events.at(-1)).toMatchObject({ phase: 'done', percent: 100 })
    const percents = events.flatMap((event) => (event.percent === undefined ? [] : [event.percent]))
    expect(percents).toEqual([...percents].sort((a, b) => a - b))
    const badJob = await fetch(`${server.url}/tables/items/import/progress?job=${'x'.repeat(65)}`)
    expect(badJob.status).toBe(400)
  })

  it('S111: tessera import shows its progress, and exits 1 listing the bad lines of a refused import', async () => {
    const server = await startServer()
    await createTable(server)
    const file = join(tempDir(), 'items.csv')
    writeFileSync(
      file,
      `title,amount\r\n${Array.from({ length: 2000 }, (_, n) => `r${n},${n}`).join('\r\n')}\r\n`,
    )
    const imported = await runCli(['import', file, '--table', 'items', '--url', server.url])
    expect(imported.code).toBe(0)
    expect(imported.stdout).toMatch(/2000 inserted, 0 updated/)
    expect(imported.stderr).toMatch(/100%/)
    writeFileSync(file, 'title,amount\r\nok,1\r\nbad,$3\r\n')
    const refused = await runCli(['import', file, '--table', 'items', '--url', server.url])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/line 3: column "amount" expects a number/)
    const unknown = await runCli([
      'export',
      '--table',
      'items',
      '--url',
      server.url,
      '--bogus',
      'x',
    ])
    expect(unknown.stderr).toMatch(/unknown option --bogus/)
  })
})
