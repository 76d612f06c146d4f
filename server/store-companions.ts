// What lives beside a store in the same database: the audit log and the revocation list (S211),
// and which tables were deleted (S250).
// The SQLite and PostgreSQL store factories register how to open them, so `copyStore` moves
// them with the tables. Knows no adapter itself.
import type { Store } from '../src/index.js'
import type { AuditLog } from './ports/audit-log.js'
import type { RevocationList } from './ports/revocation-list.js'

/** How to open the audit log and the revocation list of a store's database. */
export interface StoreCompanions {
  /** A short name of the database for messages (`SQLite "./data/tessera.db"`). */
  readonly where: string
  openAuditLog(): Promise<AuditLog>
  openRevocationList(): Promise<RevocationList>
  /**
   * The source side of a copy (S211): opens the audit log without writing to the database
   * (read-only where the engine allows it); undefined when the database has none.
   */
  readAuditLog(): Promise<AuditLog | undefined>
  /** As `readAuditLog`, for the revocation list. */
  readRevocationList(): Promise<RevocationList | undefined>
  /**
   * S250: the tables deleted at least once (generation above 0, S210), including those that
   * hold nothing since; read without writing to the database.
   */
  listDeletedTables(): Promise<string[]>
}

const registered = new WeakMap<Store, StoreCompanions>()

/** Registers `companions` as what lives beside `store`; returns `store`. */
export function withCompanions<T extends Store>(store: T, companions: StoreCompanions): T {
  registered.set(store, companions)
  return store
}

/** What lives beside `store`; undefined for a store of another kind (memory, custom). */
export const companionsOf = (store: Store): StoreCompanions | undefined => registered.get(store)
