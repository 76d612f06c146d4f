#!/usr/bin/env node
// The `tessera` CLI: reads options once (flags, env, config file), starts the server, prints
// its URL, and on SIGINT/SIGTERM flushes every table and closes cleanly.
import { readFileSync } from 'node:fs'
import { isTesseraError } from '../src/index.js'
import { openPostgres } from './adapters/postgres-database.js'
import { createPostgresRevocationList } from './adapters/postgres-revocation-list.js'
import { createSqliteRevocationList } from './adapters/sqlite-revocation-list.js'
import { readCliOptions, usage } from './cli-options.js'
import { createServer } from './create-server.js'
import { missingNodeFlags } from './node-flags.js'
import { packageVersion } from './package-info.js'
import { signTokenCommand, type RevokeCommand } from './token-command.js'
import { toolCommand, toolUsage } from './tool-commands.js'

const fail = (error: unknown): never => {
  console.error(isTesseraError(error) ? `tessera: ${error.message}` : error)
  process.exit(1)
}

const main = async (): Promise<void> => {
  const [name, ...args] = process.argv.slice(2)
  const tool = args.includes('--help') ? undefined : toolCommand(name)
  if (tool !== undefined) {
    const readFile = (path: string) => readFileSync(path, 'utf8')
    await tool(args, {
      stdout: process.stdout,
      stderr: process.stderr,
      env: process.env,
      readFile,
      print: (line) => {
        console.log(line)
      },
    })
    return
  }
  const command = readCliOptions(process.argv.slice(2), process.env, (path) =>
    readFileSync(path, 'utf8'),
  )
  if (command.command === 'help') {
    console.log(`${usage}\n\nTools:\n${toolUsage}`)
    return
  }
  if (command.command === 'version') {
    console.log(`tessera ${packageVersion()}`)
    return
  }
  if (command.command === 'token') {
    console.log(await signTokenCommand(command))
    return
  }
  if (command.command === 'revoke') {
    console.log(await revoke(command))
    return
  }
  const missing = missingNodeFlags(process.execArgv, process.env.NODE_OPTIONS)
  if (missing.length > 0) {
    console.log(
      `tessera: Node was started without ${missing.join(' ')}; a busy server spends more CPU on garbage collection and answers slower (S280): start it as \`node ${missing.join(' ')} …\` or set NODE_OPTIONS="${missing.join(' ')}" (docs/operations.md, "Memory")`,
    )
  }
  const server = await createServer({ ...command.options, logger: console })
  console.log(
    `tessera serving on ${server.url ?? ''} (ws: ${server.url?.replace(/^http/, 'ws') ?? ''}/<table>)`,
  )
  let isStopping = false
  const stop = (signal: string): void => {
    if (isStopping) return
    isStopping = true
    console.log(`tessera: ${signal}, flushing and closing`)
    server.close().then(
      () => process.exit(0),
      (error: unknown) => fail(error),
    )
  }
  process.on('SIGINT', () => {
    stop('SIGINT')
  })
  process.on('SIGTERM', () => {
    stop('SIGTERM')
  })
}

/** S75: a running server on this database reads the revocation within a second or so. */
const revoke = async (command: RevokeCommand): Promise<string> => {
  const { postgresUrl } = command
  const database = postgresUrl === undefined ? undefined : await openPostgres({ url: postgresUrl })
  try {
    const list =
      database === undefined
        ? createSqliteRevocationList({ path: command.dbPath })
        : await createPostgresRevocationList(database)
    const revoked = await list.add({ kind: command.kind, id: command.id, atMs: Date.now() })
    await list.close()
    const what = command.kind === 'token' ? 'token' : 'every token until now of user'
    const where = database === undefined ? command.dbPath : 'PostgreSQL'
    return `revoked ${what} ${command.id} in ${where} (#${revoked.seq}); open connections close within seconds`
  } finally {
    await database?.close()
  }
}

main().catch(fail)
