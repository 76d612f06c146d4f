// The page the window tests and benchmark open in Chromium: one query shown as an HTML table,
// either as a window client (connectQuery, ?mode=window) or a full replica (connectTable and
// liveQuery, ?mode=full), or a window client with the full replica loading behind it
// (?mode=behind). Marks the body once the first rows are painted (and once the full replica is
// synced), records long tasks and the delay of key presses, and exposes its connection as
// `window.page` so a test can write through the real API.
import { connectTable } from '../../../client/index.js'
import { connectQuery } from '../../../client/query/connect-query.js'
import type { LiveQueryDiff, Row } from '../../../src/index.js'

const params = new URLSearchParams(location.search)
const table = params.get('table') ?? 'window-test'
const url = location.origin.replace(/^http/, 'ws')
const query = { orderBy: [['n', 'desc'] as ['n', 'desc']] }
const limit = 50
const body = document.getElementById('rows')!
const probe = window as unknown as {
  firstWindowMs: number
  fullMs: number
  longTasks: { startMs: number; ms: number }[]
  keyDelays: { atMs: number; ms: number }[]
  page: unknown
  full: unknown
  /** When the full replica applied each update (its slices among them). */
  updateMs: number[]
}
probe.longTasks = []
probe.keyDelays = []
new PerformanceObserver((list) => {
  for (const entry of list.getEntries())
    probe.longTasks.push({ startMs: entry.startTime, ms: entry.duration })
}).observe({ type: 'longtask', buffered: true })
// How long a key press waited for the main thread (its handler runs after the task it met).
document.addEventListener('keydown', (event) => {
  probe.keyDelays.push({ atMs: event.timeStamp, ms: performance.now() - event.timeStamp })
})

const render = (rows: readonly Row[], total: number, unsaved: number): void => {
  const html = rows
    .map(
      (row) =>
        `<tr data-row="${row.id}">` +
        ['title', 'n', 'done']
          .map(
            (name) =>
              `<td data-column="${name}">${JSON.stringify(row[name] ?? null).replace(/^"|"$/g, '')}</td>`,
          )
          .join('') +
        '</tr>',
    )
    .join('')
  body.innerHTML = html
  document.getElementById('total')!.textContent = String(total)
  document.getElementById('unsaved')!.textContent = String(unsaved)
  if (rows.length > 0 && document.body.dataset.firstWindow === undefined) {
    // Painted: the frame after this render.
    requestAnimationFrame(() => {
      probe.firstWindowMs = performance.now()
      document.body.dataset.firstWindow = 'true'
      if (params.get('mode') === 'behind') loadBehind()
    })
  }
}

const setStatus = (status: string): void => {
  document.getElementById('status')!.textContent = status
  document.body.dataset.status = status
}

if (params.get('mode') === 'full') {
  const conn = connectTable({ url, table, offline: true })
  conn.on('status', setStatus)
  probe.page = conn
  // The query names columns: it runs once the table (with its schema) is in.
  void conn.whenSynced().then(() => {
    const live = conn.table.liveQuery({ ...query, limit })
    const show = (diff?: LiveQueryDiff): void => {
      render(diff?.rows ?? live.rows, diff?.total ?? live.total, conn.unsaved)
    }
    live.subscribe(show)
    conn.on('unsaved', () => {
      show()
    })
    show()
  })
} else {
  const q = connectQuery({ url, table, query, limit, offline: true })
  q.subscribe((diff) => {
    render(diff.rows, diff.total, q.unsaved)
  })
  q.on('status', setStatus)
  q.on('unsaved', (unsaved) => {
    document.getElementById('unsaved')!.textContent = String(unsaved)
  })
  probe.page = q
}

/** The full replica, loaded behind the window (its offline copy, then the server's slices). */
function loadBehind(): void {
  const conn = connectTable({ url, table, offline: true })
  probe.full = conn
  probe.updateMs = []
  conn.table.doc.on('update', () => probe.updateMs.push(performance.now()))
  void conn.whenSynced().then(() => {
    probe.fullMs = performance.now()
    document.body.dataset.full = String(conn.table.rowIds().length)
  })
}
