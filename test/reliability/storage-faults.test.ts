// Storage faults, simulated for real: a full disk (a size-limited tmpfs filled up), a read-only
// database (opened read-only), a locked one (another connection holds an exclusive lock). The
// server reports STORAGE_FAILURE, acknowledges nothing it could not save, and recovers.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import * as Y from 'yjs'
import { describe, expect, it, onTestFinished } from 'vitest'
import { createSqliteStore, type Logger } from '../../server/index.js'
import { type Store } from '../../src/index.js'
import { CloseCode } from '../../src/internal.js'
import { startServer, type TestServer } from '../helpers/start-server.js'
import { connectClient } from '../helpers/sync-client.js'
import { tempDir } from '../helpers/temp-dir.js'
import { storedDoc } from '../helpers/stored-doc.js'

const recordingLogger = (): Logger & { errors: string[] } => {
  const errors: string[] = []
  return {
    errors,
    info: () => undefined,
    warn: () => undefined,
    error: (message) => errors.push(message),
  }
}

const storedMap = async (store: Store, table: string): Promise<Y.Map<unknown>> => {
  return (await storedDoc(store, table)).getMap('m')
}

/**
 * Writes `value` under `key` while the fault holds: the save is refused with STORAGE_FAILURE,
 * the connection closes with 4500, the metric and the logger report it. Returns the client's doc.
 */
const writeDuringFault = async (
  server: TestServer,
  logger: { errors: string[] },
  key: string,
  value: unknown,
): Promise<Y.Doc> => {
  const client = connectClient(server.wsUrl, 't')
  await client.whenSynced()
  client.doc.getMap('m').set(key, value)
  await expect(client.save()).rejects.toThrow(/STORAGE_FAILURE/)
  expect((await client.whenClosed()).code).toBe(CloseCode.StorageFailure)
  expect(await server.registry.metrics()).toMatch(
    /tessera_errors_total\{code="STORAGE_FAILURE"\} \d/,
  )
  expect(logger.errors.join('\n')).toMatch(/storing updates failed/)
  return client.doc
}

/** Once the fault is gone, the same client reconnects and its edit is saved. */
const recover = async (wsUrl: string, doc: Y.Doc): Promise<void> => {
  const again = connectClient(wsUrl, 't', { doc })
  await again.whenSynced()
  await again.save()
}

const canMount = (): boolean => {
  const probe = mkdtempSync(join(tmpdir(), 'tessera-mount-'))
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'ignore' })
    execFileSync('umount', [probe])
    return true
  } catch {
    return false
  } finally {
    rmSync(probe, { recursive: true, force: true })
  }
}

describe('storage faults', () => {
  it.runIf(canMount())(
    'a full disk: refused, reported, and saved once space is freed',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'tessera-full-'))
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', dir])
      onTestFinished(() => {
        execFileSync('umount', ['-l', dir])
        rmSync(dir, { recursive: true, force: true })
      })
      const logger = recordingLogger()
      const server = await startServer({ dbPath: join(dir, 'full.db'), logger })
      const before = connectClient(server.wsUrl, 't')
      await before.whenSynced()
      before.doc.getMap('m').set('before', 1)
      await before.save()
      before.close()
      const filler = join(dir, 'filler')
      const { bavail, bsize } = statfsSync(dir)
      try {
        writeFileSync(filler, Buffer.alloc(bavail * bsize))
      } catch (error) {
        expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC')
      }
      const big = 'x'.repeat(256 * 1024)
      const doc = await writeDuringFault(server, logger, 'big', big)
      expect((await storedMap(server.store, 't')).has('big')).toBe(false)
      rmSync(filler)
      await recover(server.wsUrl, doc)
      expect((await storedMap(server.store, 't')).get('big')).toBe(big)
    },
  )

  it('a read-only database: refused, reported, and saved once it is writable again', async () => {
    const dbPath = join(tempDir(), 'ro.db')
    const seed = createSqliteStore({ path: dbPath })
    await seed.append('t', [
      { update: Y.encodeStateAsUpdate(new Y.Doc()), atMs: Date.now(), author: null },
    ])
    await seed.close()
    const logger = recordingLogger()
    const readonly = createSqliteStore({ path: dbPath, readonly: true })
    const server = await startServer({ store: readonly, logger })
    const doc = await writeDuringFault(server, logger, 'k', 'v')
    expect((await storedMap(readonly, 't')).has('k')).toBe(false)
    await server.close()
    const writable = await startServer({ dbPath })
    await recover(writable.wsUrl, doc)
    expect((await storedMap(writable.store, 't')).get('k')).toBe('v')
  })

  it('a locked database: refused, reported, and saved once the lock is released', async () => {
    const dbPath = join(tempDir(), 'locked.db')
    const logger = recordingLogger()
    const store = createSqliteStore({ path: dbPath, busyTimeoutMs: 100 })
    const server = await startServer({ store, logger })
    const locker = new Database(dbPath)
    locker.exec('BEGIN EXCLUSIVE')
    const doc = await writeDuringFault(server, logger, 'k', 'v')
    expect((await storedMap(store, 't')).has('k')).toBe(false)
    locker.exec('COMMIT')
    locker.close()
    await recover(server.wsUrl, doc)
    expect((await storedMap(store, 't')).get('k')).toBe('v')
  })
})
