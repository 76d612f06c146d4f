#!/usr/bin/env node
// The `tessera` CLI: reads options once (flags, env, config file), starts the server, prints
// its URL, and on SIGINT/SIGTERM flushes every table and closes cleanly.
import { readFileSync } from 'node:fs'
import { isTesseraError } from '../src/index.js'
import { signTokenCommand } from './access/token-command.js'
import { readCliOptions, usage } from './cli-options.js'
import { createServer } from './create-server.js'
import { packageVersion } from './package-info.js'

const fail = (error: unknown): never => {
  console.error(isTesseraError(error) ? `tessera: ${error.message}` : error)
  process.exit(1)
}

const main = async (): Promise<void> => {
  const command = readCliOptions(process.argv.slice(2), process.env, (path) =>
    readFileSync(path, 'utf8'),
  )
  if (command.command === 'help') {
    console.log(usage)
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

main().catch(fail)
