// Holding back what the server sends to one of a page's WebSockets until the test says so
// (playwright's routeWebSocket): a test that must see a state a fast load would skip (the
// whole table still loading behind the window, S177) keeps that load from finishing first.
import type { BrowserContext, Page } from 'playwright-core'

/** A page's sockets whose server-to-page messages wait until `release()`. */
export interface HeldSocket {
  /** Resolves once the page opened a matching socket (to the server, which answers). */
  readonly opened: Promise<void>
  /** Delivers every held message in order, and every later one at once. */
  release(): void
}

/**
 * Routes the sockets of `target` whose URL `matches` through the test: the page's messages go
 * to the server as they are sent, the server's wait until `release()`. Call it before the page
 * opens such a socket (before `goto`). A socket that closes closes the other side as usual.
 */
export async function holdSocket(
  target: Page | BrowserContext,
  matches: (url: URL) => boolean,
): Promise<HeldSocket> {
  let isReleased = false
  let markOpened: () => void = () => undefined
  const opened = new Promise<void>((resolve) => {
    markOpened = resolve
  })
  const waiting: (() => void)[] = []
  await target.routeWebSocket(matches, (page) => {
    const server = page.connectToServer()
    markOpened()
    server.onMessage((message) => {
      const deliver = (): void => {
        page.send(message)
      }
      if (isReleased) deliver()
      else waiting.push(deliver)
    })
  })
  return {
    opened,
    release() {
      isReleased = true
      for (const deliver of waiting.splice(0)) deliver()
    },
  }
}

/** The URL of the demo's full replica of `table` (the window client's carries `mode=window`). */
export const isFullReplicaOf =
  (table: string) =>
  (url: URL): boolean =>
    url.pathname === `/${encodeURIComponent(table)}` && url.searchParams.get('mode') !== 'window'
