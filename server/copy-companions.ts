// The part of copyStore that moves what lives beside the tables (S211): the audit log, in its
// order and with its times, and the revoked tokens. Knows the ports, not the adapters.
import { TesseraError, type Store } from '../src/index.js'
import type { AuditEntry, AuditLog, AuditRecord } from './ports/audit-log.js'
import { createMemoryAuditLog } from './ports/memory-audit-log.js'
import { createMemoryRevocationList } from './ports/memory-revocation-list.js'
import type { RevocationList } from './ports/revocation-list.js'
import { companionsOf } from './store-companions.js'

/** The audit logs and revocation lists of a copy's two databases, opened. */
export interface CompanionCopy {
  /** Copies every audit record and every revocation the target lacks; resolves to the counts. */
  copy(): Promise<{ auditRecords: number; revocations: number }>
  close(): Promise<void>
}

const pageSize = 1000

/** A stored entry as a record to append (the target numbers it itself). */
const recordOf = (entry: AuditEntry): AuditRecord => {
  const { table, rowId, action, columns, userId, atMs, restoredToMs } = entry
  return {
    table,
    rowId,
    action,
    columns,
    userId,
    atMs,
    ...(restoredToMs === undefined ? {} : { restoredToMs }),
  }
}

/** What `opening` resolves to, or an empty `make()` when the database has none. */
const orEmpty = async <T>(opening: Promise<T | undefined>, make: () => T): Promise<T> =>
  (await opening) ?? make()

/** Whether `log` holds any record. */
const isEmpty = async (log: AuditLog): Promise<boolean> => (await log.list(0, 1)).length === 0

/**
 * Opens what lives beside `from` and `to` and checks the copy can keep it all; undefined when
 * `from` keeps none (a memory or custom store).
 * @throws INVALID_ARGUMENT when the target's audit log holds records already, or when `from`
 * holds records or revocations and `to` is a store with nowhere to keep them (nothing is copied)
 */
export async function prepareCompanionCopy(
  from: Store,
  to: Store,
): Promise<CompanionCopy | undefined> {
  const source = companionsOf(from)
  if (source === undefined) return undefined
  const opened: { close(): Promise<void> }[] = []
  const open = async <T extends { close(): Promise<void> }>(part: Promise<T>): Promise<T> => {
    const value = await part
    opened.push(value)
    return value
  }
  const close = async (): Promise<void> => {
    for (const part of opened.splice(0).reverse()) await part.close()
  }
  try {
    // S211: the source is only read; what it lacks reads as empty and is not created there.
    const audit = await open(orEmpty(source.readAuditLog(), createMemoryAuditLog))
    const revocations = await open(orEmpty(source.readRevocationList(), createMemoryRevocationList))
    const target = companionsOf(to)
    if (target === undefined) {
      if ((await isEmpty(audit)) && (await revocations.list(0)).length === 0) {
        await close()
        return undefined
      }
      throw new TesseraError(
        'INVALID_ARGUMENT',
        `copyStore: ${source.where} holds audit records or revoked tokens, and the target store has nowhere to keep them; copy into a SQLite or PostgreSQL store`,
      )
    }
    const auditTo = await open(target.openAuditLog())
    const revocationsTo = await open(target.openRevocationList())
    if (!(await isEmpty(auditTo))) {
      throw new TesseraError(
        'INVALID_ARGUMENT',
        `copyStore: the audit log of ${target.where} holds records already; copy into a database whose audit log is empty (the records keep one order)`,
      )
    }
    return {
      copy: async () => ({
        auditRecords: await copyAudit(audit, auditTo),
        revocations: await copyRevocations(revocations, revocationsTo),
      }),
      close,
    }
  } catch (error) {
    await close()
    throw error
  }
}

/** Appends every record of `from` to `to`, oldest first, a page at a time; resolves to how many. */
async function copyAudit(from: AuditLog, to: AuditLog): Promise<number> {
  let count = 0
  for (let page = await from.list(0, pageSize); page.length > 0;) {
    await to.append(page.map((entry): AuditRecord => recordOf(entry)))
    count += page.length
    page = await from.list(page.at(-1)!.seq, pageSize)
  }
  return count
}

/** Adds every revocation of `from` that `to` lacks, oldest first; resolves to how many. */
async function copyRevocations(from: RevocationList, to: RevocationList): Promise<number> {
  const keyOf = (revocation: { kind: string; id: string; atMs: number }): string =>
    JSON.stringify([revocation.kind, revocation.id, revocation.atMs])
  const present = new Set((await to.list(0)).map(keyOf))
  let count = 0
  for (const { kind, id, atMs } of await from.list(0)) {
    if (present.has(keyOf({ kind, id, atMs }))) continue
    await to.add({ kind, id, atMs })
    count++
  }
  return count
}
