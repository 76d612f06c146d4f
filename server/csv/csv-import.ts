// Reading an imported CSV (docs/csv.md): csv-parse over the request stream into records with their
// line numbers, then one plan of rows converted by the column types, with every bad line named.
import type { Readable } from 'node:stream'
import { parse } from 'csv-parse'
import {
  TesseraError,
  type CellValue,
  type Column,
  type ColumnInput,
  type RowInput,
} from '../../src/index.js'
import { inferColumnType, parseCsvCell } from '../../src/internal.js'

/** A field that was `""` in the file: an empty string, where an unquoted empty field is null. */
const quotedEmpty = Symbol('quoted empty')
type Field = string | typeof quotedEmpty

/** One CSV record and the line it starts on (1 is the header). */
export interface CsvRecord {
  line: number
  fields: Field[]
}

/** A line that was not imported, and why. */
export interface BadLine {
  line: number
  /** The column of the field at fault, when one field is. */
  column?: string
  message: string
}

/**
 * Parses CSV from `input` (UTF-8, an optional BOM, RFC 4180 quoting) into records, skipping blank
 * lines. `onBytes` reports the bytes read so far; more than `maxBytes` stops with MESSAGE_TOO_LARGE.
 * @throws INVALID_ARGUMENT for text that is not CSV (a quote never closed), naming the line
 */
export async function readCsvRecords(
  input: Readable,
  options: { maxBytes: number; onBytes: (bytes: number) => void },
): Promise<CsvRecord[]> {
  // No `cast` hook: csv-parse runs ten times slower with one. Quoted empty fields are told apart
  // from the record's raw text instead, only for records that have an empty field.
  const parser = parse({ bom: true, relax_column_count: true, info: true, raw: true })
  let bytes = 0
  let overflow: TesseraError | undefined
  input.on('data', (chunk: Buffer) => {
    bytes += chunk.byteLength
    options.onBytes(bytes)
    if (bytes <= options.maxBytes) return
    if (overflow === undefined) {
      overflow = new TesseraError(
        'MESSAGE_TOO_LARGE',
        `the CSV is larger than maxImportBytes (${options.maxBytes} bytes); split it or raise the limit`,
      )
      // Stop parsing, but read the rest so the client can read the answer; past twice the
      // limit the connection is cut instead.
      input.unpipe(parser)
      parser.destroy(overflow)
      input.resume()
    } else if (bytes > 2 * options.maxBytes) input.destroy()
  })
  input.on('error', (error) => parser.destroy(error))
  const records: CsvRecord[] = []
  let lastLine = 0
  try {
    for await (const { record, info, raw } of input.pipe(parser) as AsyncIterable<{
      record: string[]
      info: { lines: number }
      raw: string
    }>) {
      const line = lastLine + 1
      lastLine = info.lines
      if (record.length === 1 && record[0] === '') continue
      records.push({ line, fields: record.includes('') ? markQuotedEmpty(record, raw) : record })
    }
  } catch (cause) {
    if (overflow !== undefined) {
      await ended(input)
      throw overflow
    }
    if (cause instanceof TesseraError) throw cause
    throw new TesseraError('INVALID_ARGUMENT', `the body is not CSV: ${(cause as Error).message}`, {
      cause,
    })
  }
  return records
}

/**
 * The record with its `""` fields marked: a field whose raw text is two double quotes. The raw
 * text was already parsed by csv-parse, so only field starts and quoted spans are followed here.
 */
function markQuotedEmpty(record: readonly string[], raw: string): Field[] {
  const fields: Field[] = [...record]
  let index = 0
  let start = 0
  let isQuoted = false
  for (let at = 0; at <= raw.length; at++) {
    const char = raw[at]
    if (char === '"') isQuoted = !isQuoted
    else if (!isQuoted && (char === ',' || char === '\r' || char === '\n' || char === undefined)) {
      if (raw.slice(start, at) === '""' && record[index] === '') fields[index] = quotedEmpty
      index++
      start = at + 1
      if (char !== ',') break
    }
  }
  return fields
}

/** Resolves once the stream has ended or was closed. */
const ended = (input: Readable): Promise<void> =>
  new Promise((resolve) => {
    if (input.readableEnded || input.destroyed) resolve()
    input.once('end', resolve)
    input.once('close', resolve)
  })

/** What an import will write: the columns to create, the rows, and the lines left out. */
export interface ImportPlan {
  create: ColumnInput[]
  rows: RowInput[]
  badLines: BadLine[]
}

const text = (field: Field | undefined): string => (field === quotedEmpty ? '' : (field ?? ''))

/**
 * Maps the header to the table's columns by name (`id` names the row) and converts every field by
 * its column's type. Headers without a column become new columns when `canCreateColumns` (typed by
 * their values), else the import is refused. A record with a field that does not convert, or with
 * another number of fields than the header, is a bad line and none of its fields are kept.
 * @throws INVALID_ARGUMENT for an empty file, a duplicate header or an unknown column
 */
export function planImport(
  records: readonly CsvRecord[],
  columns: readonly Column[],
  canCreateColumns: boolean,
): ImportPlan {
  const [header, ...body] = records
  if (header === undefined)
    throw new TesseraError('INVALID_ARGUMENT', 'the CSV is empty; send a header line first')
  const names = header.fields.map((field) => text(field).trim())
  const duplicate = names.find((name, index) => names.indexOf(name) !== index)
  if (duplicate !== undefined) {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      `line 1: the header names "${duplicate}" twice; name each column once`,
    )
  }
  const byName = new Map(columns.map((column) => [column.name, column]))
  const missing = names.filter((name) => name !== 'id' && !byName.has(name))
  if (missing.length > 0 && !canCreateColumns) {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      `line 1: the table has no column ${missing.map((name) => JSON.stringify(name)).join(', ')}; add it first or import with createColumns=true`,
    )
  }
  const create = missing.map((name) => {
    const index = names.indexOf(name)
    return { name, type: inferColumnType(body.map((record) => text(record.fields[index]))) }
  })
  const types = names.map(
    (name) => byName.get(name)?.type ?? create.find((c) => c.name === name)?.type,
  )
  const rows: RowInput[] = []
  const badLines: BadLine[] = []
  for (const { line, fields } of body) {
    if (fields.length !== names.length) {
      badLines.push({
        line,
        message: `has ${fields.length} fields where the header has ${names.length}`,
      })
      continue
    }
    const row: Record<string, CellValue> = {}
    let bad: BadLine | undefined
    for (const [index, name] of names.entries()) {
      const field = fields[index]!
      if (name === 'id') {
        if (text(field) !== '') row.id = text(field)
        continue
      }
      const cell = parseCsvCell(types[index]!, text(field), field === quotedEmpty)
      if ('error' in cell) {
        bad = { line, column: name, message: `column "${name}" ${cell.error}` }
        break
      }
      row[name] = cell.value
    }
    if (bad !== undefined) badLines.push(bad)
    else rows.push(row)
  }
  return { create, rows, badLines }
}
