// `tessera export` and `tessera import` (docs/csv.md): clients of a running server's REST API that
// stream the CSV and draw a progress bar on stderr.
import { randomUUID } from 'node:crypto'
import { createReadStream, createWriteStream, statSync } from 'node:fs'
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import type { Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { parse } from 'csv-parse'
import { TesseraError, type ErrorCode } from '../../src/index.js'
import type { ToolIo } from '../history/commands.js'
import { parseToolArgs, type ToolArgs, type ToolSpec } from '../tool-args.js'
import { createProgressBar } from './progress-bar.js'

const common = ['--table', '--url', '--token']
const exportSpec: ToolSpec = {
  command: 'export',
  usage:
    'Usage: tessera export --table <name> [--out <file>] [--at <ISO time>] [--query <json>] [--offset n] [--limit n] [--url <server>] [--token <token>]',
  positionals: 0,
  flags: [...common, '--out', '--at', '--query', '--offset', '--limit'],
}
const importSpec: ToolSpec = {
  command: 'import',
  usage:
    'Usage: tessera import <file.csv> --table <name> [--create-columns] [--skip-bad-lines] [--url <server>] [--token <token>]',
  positionals: 1,
  flags: common,
  switches: ['--create-columns', '--skip-bad-lines'],
}

/** What every CSV command needs: the table's URL and the headers with the token. */
const target = (args: ToolArgs, io: ToolIo, usage: string) => {
  const table = args.flags.table
  if (table === undefined)
    throw new TesseraError('INVALID_ARGUMENT', `--table is required\n${usage}`)
  const base = (args.flags.url ?? io.env.TESSERA_URL ?? 'http://127.0.0.1:1234')
    .replace(/\/+$/, '')
    .replace(/^ws/, 'http')
  const token = args.flags.token ?? io.env.TESSERA_TOKEN
  const headers: Record<string, string> =
    token === undefined ? {} : { authorization: `Bearer ${token}` }
  return { table, tableUrl: `${base}/tables/${encodeURIComponent(table)}`, headers }
}

/** Sends a request; resolves with the response once its headers arrived. */
const send = (
  url: string,
  options: { method?: string; headers: Record<string, string> },
  body?: NodeJS.ReadableStream,
) =>
  new Promise<IncomingMessage>((resolve, reject) => {
    const request = (url.startsWith('https:') ? httpsRequest : httpRequest)(url, options, resolve)
    request.on('error', (cause) => {
      reject(
        new TesseraError(
          'CLOSED',
          `cannot reach ${url}: ${cause.message}; is the server running?`,
          { cause },
        ),
      )
    })
    if (body === undefined) request.end()
    else body.pipe(request)
  })

const readAll = async (response: IncomingMessage): Promise<string> => {
  let text = ''
  for await (const chunk of response) text += String(chunk)
  return text
}

/** Throws the server's error as a TesseraError (with the bad lines of a refused import). */
const failWith = async (response: IncomingMessage): Promise<never> => {
  const body = JSON.parse(await readAll(response)) as {
    error?: { code?: ErrorCode; message?: string }
    badLines?: { line: number; message: string }[]
  }
  const lines = (body.badLines ?? [])
    .slice(0, 20)
    .map((bad) => `\n  line ${bad.line}: ${bad.message}`)
  throw new TesseraError(
    body.error?.code ?? 'STORAGE_FAILURE',
    `${body.error?.message ?? `HTTP ${response.statusCode}`}${lines.join('')}`,
  )
}

/** Runs `tessera export`. */
export async function runExportCommand(args: readonly string[], io: ToolIo): Promise<void> {
  const parsed = parseToolArgs(args, exportSpec)
  const { table, tableUrl, headers } = target(parsed, io, exportSpec.usage)
  const query = new URLSearchParams()
  for (const key of ['at', 'query', 'offset', 'limit'])
    if (parsed.flags[key] !== undefined) query.set(key, parsed.flags[key])
  const response = await send(`${tableUrl}/export.csv?${query.toString()}`, { headers })
  if (response.statusCode !== 200) await failWith(response)
  const total = Number(response.headers['x-total-rows'])
  const bar = createProgressBar(io.stderr)
  let rows = -1
  const counter = parse({ relax_column_count: true })
  counter.on('data', () => {
    rows++
    if (rows % 1000 === 0 || rows === total) bar.update(rows, total, `${rows}/${total} rows`)
  })
  const counted = new Promise((resolve) => counter.on('end', resolve))
  response.on('data', (chunk: Buffer) => counter.write(chunk))
  response.on('end', () => counter.end())
  const out: Writable =
    parsed.flags.out === undefined ? io.stdout : createWriteStream(parsed.flags.out)
  await pipeline(response, out, { end: parsed.flags.out !== undefined })
  await counted
  bar.update(total, total, `${total}/${total} rows`)
  bar.finish()
  const summary = `tessera: exported ${total} row(s) of ${table}${parsed.flags.out === undefined ? '' : ` to ${parsed.flags.out}`}`
  if (parsed.flags.out === undefined) io.stderr.write(`${summary}\n`)
  else io.print(summary)
}

/** Runs `tessera import`: follows the import's progress job while it uploads the file. */
export async function runImportCommand(args: readonly string[], io: ToolIo): Promise<void> {
  const parsed = parseToolArgs(args, importSpec)
  const { table, tableUrl, headers } = target(parsed, io, importSpec.usage)
  const file = parsed.positionals[0]!
  const size = statSync(file).size
  const job = randomUUID()
  const bar = createProgressBar(io.stderr)
  const progress = await send(`${tableUrl}/import/progress?job=${job}`, { headers })
  if (progress.statusCode !== 200) await failWith(progress)
  progress.on('data', (chunk: Buffer) => {
    for (const match of String(chunk).matchAll(/data: (.*)\n/g)) {
      const { percent, phase, records } = JSON.parse(match[1]!) as {
        percent?: number
        phase: string
        records: number
      }
      bar.update(percent ?? 0, 100, `${phase}${records > 0 ? `, ${records} records` : ''}`)
    }
  })
  const query = new URLSearchParams({ job })
  if (parsed.switches.has('create-columns')) query.set('createColumns', 'true')
  if (parsed.switches.has('skip-bad-lines')) query.set('badLines', 'skip')
  const response = await send(
    `${tableUrl}/import?${query.toString()}`,
    {
      method: 'POST',
      headers: { ...headers, 'content-type': 'text/csv', 'content-length': String(size) },
    },
    createReadStream(file),
  )
  progress.destroy()
  bar.finish()
  if (response.statusCode !== 200) await failWith(response)
  const result = JSON.parse(await readAll(response)) as {
    inserted: number
    updated: number
    skipped: number
    columnsCreated: { name: string }[]
  }
  const created = result.columnsCreated.map((column) => column.name).join(', ')
  io.print(
    `tessera: imported ${file} into ${table}: ${result.inserted} inserted, ${result.updated} updated, ${result.skipped} bad line(s) skipped${created === '' ? '' : `, columns created: ${created}`}`,
  )
}
