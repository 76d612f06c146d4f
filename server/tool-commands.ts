// The CLI's tool commands beside `serve` and `token`: each reads its own arguments and prints
// what it did (docs/operations.md). main.ts runs them; nothing here starts a server.
import { runExportCommand, runImportCommand } from './csv/commands.js'
import { runBackupCommand, runRestoreCommand, type ToolIo } from './history/commands.js'

export type { ToolIo } from './history/commands.js'

/** A tool command: its arguments after the command name, and where it reads and writes. */
export type ToolCommand = (args: readonly string[], io: ToolIo) => Promise<void>

const tools: Readonly<Record<string, ToolCommand>> = {
  backup: runBackupCommand,
  restore: runRestoreCommand,
  export: runExportCommand,
  import: runImportCommand,
}

/** The tool command named `name`, or undefined for `serve`, `token` and anything else. */
export function toolCommand(name: string | undefined): ToolCommand | undefined {
  return name !== undefined && Object.hasOwn(tools, name) ? tools[name] : undefined
}

/** The usage lines of the tool commands, for `tessera --help`. */
export const toolUsage = `       tessera backup <file> [--db <database>]
       tessera restore <backup> [--at <ISO time>] [--db <database>] [--force]
       tessera export --table <name> [--out <file>] [--at <ISO time>] [--query <json>] [--url <server>]
       tessera import <file.csv> --table <name> [--create-columns] [--skip-bad-lines] [--url <server>]`
