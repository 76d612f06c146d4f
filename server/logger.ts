// Where the server reports what it does. Library code never logs by itself: `main.ts` passes the
// console, tests and embedders pass their own logger or none.

/** Receives the server's log lines; `main.ts` passes the console. */
export interface Logger {
  info(message: string): void
  warn(message: string): void
  error(message: string, error?: unknown): void
}

/** The default logger: drops everything. */
export const silentLogger: Logger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
}
