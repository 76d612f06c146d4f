// The offline copy of a window client: the server's last answer for its window and its unsaved
// edits, as bytes (lib0's any encoding) behind a two-method port, so a reload shows the rows and
// sends the edits again. Knows no IndexedDB: client/adapters/indexeddb-window-copy.ts stores it.
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { TesseraError } from '../../src/index.js'
import type { WindowColumn, WindowHead, WindowRow } from '../../src/internal.js'
import type { PendingEdit, RowEdit } from './pending-edits.js'

/** Where a window copy's bytes live: one value per copy. */
export interface CopyStore {
  /** The stored bytes, or undefined when nothing was stored. */
  load(): Promise<Uint8Array | undefined>
  /** Replaces the stored bytes; resolves once they are durable. */
  save(bytes: Uint8Array): Promise<void>
  close(): Promise<void>
}

/** What a window copy holds. */
export interface SavedWindow {
  /** The window's query as JSON text, with its offset and limit: what the answer is for. */
  readonly query: string
  readonly offset: number
  readonly limit: number
  readonly columns: readonly WindowColumn[]
  readonly answer: { readonly head: WindowHead; readonly rows: readonly WindowRow[] } | undefined
  /** The unsaved edits, oldest first. */
  readonly unsaved: readonly PendingEdit[]
}

/** The version written first; a copy of another version is ignored (its edits are lost). */
// 2: rows carry their override slots (data format 2 rows); no copy of version 1 was released.
const copyVersion = 2

/** Encodes a window copy. */
export function encodeSavedWindow(saved: SavedWindow): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, copyVersion)
  encoding.writeAny(encoder, {
    query: saved.query,
    offset: saved.offset,
    limit: saved.limit,
    columns: saved.columns,
    answer: saved.answer ?? null,
    unsaved: saved.unsaved.map(({ update, edits }) => ({ update, edits })),
  } as never)
  return encoding.toUint8Array(encoder)
}

/**
 * Decodes a window copy written by encodeSavedWindow (data from storage is checked).
 * @throws STORAGE_FAILURE for bytes that are not a window copy of this version
 */
export function decodeSavedWindow(bytes: Uint8Array): SavedWindow {
  const fail = (what: string): never => {
    throw new TesseraError('STORAGE_FAILURE', `the window's offline copy is unreadable: ${what}`)
  }
  let value: unknown
  try {
    const decoder = decoding.createDecoder(bytes)
    if (decoding.readVarUint(decoder) !== copyVersion) fail('another version')
    value = decoding.readAny(decoder)
  } catch (cause) {
    if (cause instanceof TesseraError) throw cause
    fail(String(cause))
  }
  const saved = value as Partial<Record<keyof SavedWindow, unknown>>
  if (
    typeof saved !== 'object' ||
    saved === null ||
    typeof saved.query !== 'string' ||
    typeof saved.offset !== 'number' ||
    typeof saved.limit !== 'number' ||
    !Array.isArray(saved.columns) ||
    !Array.isArray(saved.unsaved)
  )
    fail('fields are missing')
  const unsaved = (saved.unsaved as { update?: unknown; edits?: unknown }[]).map((edit, index) => {
    if (!(edit.update instanceof Uint8Array) || !Array.isArray(edit.edits)) fail('a bad edit')
    return { seq: index + 1, update: edit.update as Uint8Array, edits: edit.edits as RowEdit[] }
  })
  return {
    query: saved.query as string,
    offset: saved.offset as number,
    limit: saved.limit as number,
    columns: saved.columns as WindowColumn[],
    answer: (saved.answer ?? undefined) as SavedWindow['answer'],
    unsaved,
  }
}
