// The demo page: picks a table, connects it (offline-first, with presence) and wires the toolbar
// (status, saved indicator, online toggle, undo/redo, rows, columns, filter, conflicts) to the grid.
import { connectTable, type Connection, type PresenceUser } from '../index.js'
import { isTesseraError, type ColumnType } from '../../src/index.js'
import { mountCsvButtons } from './csv-buttons.js'
import { createGrid, rowHeight, type Grid } from './grid.js'
import { describeValue } from './values.js'

const $ = (id: string): HTMLElement => document.getElementById(id)!
const $input = (id: string): HTMLInputElement => $(id) as HTMLInputElement
const $select = (id: string): HTMLSelectElement => $(id) as HTMLSelectElement
const $button = (id: string): HTMLButtonElement => $(id) as HTMLButtonElement
const params = new URLSearchParams(location.search)
const tableName = params.get('table') ?? 'demo'
const offlineKey = `tessera-demo-offline:${tableName}`

function currentUser(): PresenceUser {
  const names = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Ken', 'Margaret', 'Donald']
  const colors = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#008080', '#f032e6']
  const stored = localStorage.getItem('tessera-demo-user')
  const random = <T>(list: T[]): T => list[Math.floor(Math.random() * list.length)]!
  let user = stored === null ? undefined : (JSON.parse(stored) as PresenceUser)
  user ??= { id: crypto.randomUUID(), name: random(names), color: random(colors) }
  const name = params.get('user')
  if (name !== null) user = { ...user, name }
  localStorage.setItem('tessera-demo-user', JSON.stringify(user))
  return user
}

/** A dev-login answer (docs/security.md): a signed token for the chosen name and role. */
interface Login {
  token: string
  user: { id: string; name: string; roles: string[] }
}

/**
 * Logs in as `?user=` with the role `?role=` (default editor) when the server offers dev login
 * (`npm run start:auth`); undefined when it runs without auth, or cannot be reached.
 */
async function devLogin(user: PresenceUser): Promise<Login | undefined> {
  const role = params.get('role') ?? 'editor'
  try {
    const response = await fetch('/auth/dev-login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: user.name, roles: [role] }),
    })
    return response.ok ? ((await response.json()) as Login) : undefined
  } catch {
    return undefined
  }
}

/** Shows who the page is logged in as, and a role picker that logs in again with another role. */
function showLogin(login: Login): void {
  const picker = $select('role')
  picker.hidden = false
  picker.value = login.user.roles[0] ?? 'editor'
  picker.onchange = () => {
    params.set('role', picker.value)
    location.search = params.toString()
  }
  document.body.dataset.role = picker.value
}

function showError(error: unknown): void {
  const box = $('error')
  box.hidden = false
  box.textContent = isTesseraError(error) ? `${error.code}: ${error.message}` : String(error)
  clearTimeout(Number(box.dataset.timer))
  box.dataset.timer = String(setTimeout(() => (box.hidden = true), 6000))
}

async function fillTablePicker(token: string | undefined): Promise<void> {
  const picker = $select('table-picker')
  let names: string[] = []
  try {
    const headers: Record<string, string> =
      token === undefined ? {} : { authorization: `Bearer ${token}` }
    const response = await fetch('/tables', { headers })
    if (response.ok) names = ((await response.json()) as { tables: string[] }).tables
  } catch {
    // Offline: the picker shows the open table only.
  }
  if (!names.includes(tableName)) names.push(tableName)
  picker.innerHTML = ''
  for (const name of names.sort()) picker.append(new Option(name, name, false, name === tableName))
  picker.onchange = () => {
    params.set('table', picker.value)
    params.delete('create')
    location.search = params.toString()
  }
  $('create-table').onsubmit = (event) => {
    event.preventDefault()
    const name = $input('new-table-name').value.trim()
    if (name === '') return
    params.set('table', name)
    params.set('create', '1')
    location.search = params.toString()
  }
}

function wireConnection(conn: Connection, grid: Grid): void {
  const status = $('status')
  const showStatus = (): void => {
    status.dataset.status = conn.status
    status.textContent = conn.status
  }
  const saved = $('saved')
  const showSaved = (): void => {
    saved.dataset.unsaved = String(conn.unsaved)
    saved.textContent =
      conn.unsaved === 0
        ? 'All changes saved'
        : `${conn.unsaved} unsaved change${conn.unsaved === 1 ? '' : 's'}`
  }
  conn.on('status', showStatus)
  conn.on('unsaved', showSaved)
  conn.on('error', showError)
  showStatus()
  showSaved()
  const online = $input('online')
  online.checked = conn.isOnline
  online.onchange = () => {
    if (online.checked) conn.connect()
    else conn.disconnect()
    localStorage.setItem(offlineKey, online.checked ? '0' : '1')
  }
  const undo = $button('undo')
  const redo = $button('redo')
  const showHistory = (): void => {
    undo.disabled = !conn.history.canUndo
    redo.disabled = !conn.history.canRedo
  }
  conn.history.on('change', showHistory)
  undo.onclick = () => conn.undo()
  redo.onclick = () => conn.redo()
  document.addEventListener('keydown', (event) => {
    if (!(event.ctrlKey || event.metaKey) || event.key.toLowerCase() !== 'z') return
    if (event.shiftKey) conn.redo()
    else conn.undo()
    event.preventDefault()
  })
  const peers = $('peers')
  const showPeers = (): void => {
    peers.innerHTML = ''
    for (const user of [conn.presence.user, ...conn.presence.peers().map((p) => p.user)]) {
      const badge = document.createElement('span')
      badge.className = 'peer'
      badge.style.background = user.color
      badge.textContent = user === conn.presence.user ? `${user.name} (you)` : user.name
      peers.append(badge)
    }
  }
  conn.presence.on('change', showPeers)
  showPeers()
  wireConflicts(conn)
  wireRows(conn, grid)
}

function wireConflicts(conn: Connection): void {
  const panel = $('conflicts')
  const list = $('conflict-list')
  conn.conflicts.subscribe((conflicts) => {
    panel.hidden = conflicts.length === 0
    list.innerHTML = ''
    for (const c of conflicts) {
      const item = document.createElement('li')
      item.className = 'conflict-item'
      const who = conn.presence.userOf(c.by)?.name ?? `client ${c.by}`
      item.textContent = `Row ${c.row.slice(0, 6)}…, ${c.column}: your "${describeValue(c.mine)}" was overwritten by ${who}'s "${describeValue(c.theirs)}".`
      const keepMine = document.createElement('button')
      keepMine.textContent = 'Keep mine'
      keepMine.onclick = () => {
        conn.table.setCell(c.row, c.column, c.mine)
      }
      const keepTheirs = document.createElement('button')
      keepTheirs.textContent = 'Keep theirs'
      keepTheirs.onclick = () => {
        conn.conflicts.dismiss(c.id)
      }
      item.append(document.createElement('br'), keepMine, keepTheirs)
      list.append(item)
    }
  })
}

function wireRows(conn: Connection, grid: Grid): void {
  const table = conn.table
  const guard = (run: () => void) => () => {
    try {
      run()
    } catch (error) {
      showError(error)
    }
  }
  const selectedIndex = (): number => grid.rows.findIndex((r) => r.id === grid.selection?.row)
  $('add-row').onclick = guard(() => {
    const after = grid.selection?.row
    const id = table.insertRow({}, after === undefined ? {} : { after })
    const column = table.columns()[0]?.name
    if (after === undefined) grid.scrollToEnd()
    if (column !== undefined) grid.select({ row: id, column })
  })
  $('delete-row').onclick = guard(() => {
    if (grid.selection !== null) table.deleteRow(grid.selection.row)
    grid.select(null)
  })
  $('move-up').onclick = guard(() => {
    const neighbour = grid.rows[selectedIndex() - 1]
    if (grid.selection !== null && neighbour !== undefined)
      table.moveRow(grid.selection.row, { before: neighbour.id })
  })
  $('move-down').onclick = guard(() => {
    const neighbour = grid.rows[selectedIndex() + 1]
    if (grid.selection !== null && neighbour !== undefined)
      table.moveRow(grid.selection.row, { after: neighbour.id })
  })
  $('add-column').onsubmit = (event) => {
    event.preventDefault()
    const name = $input('column-name')
    const type = $select('column-type').value as ColumnType
    guard(() => {
      table.addColumn({ name: name.value.trim(), type })
      name.value = ''
    })()
  }
  $('generate').onclick = () => {
    void generateRows(conn).catch(showError)
  }
  const filter = $input('filter')
  filter.oninput = () => {
    grid.setFilter(filter.value)
  }
  // S57: what the server allows decides which controls work; a reader sees a read-only grid.
  const showAccess = (): void => {
    const can = conn.permissions
    const hasSelection = grid.selection !== null && table.hasRow(grid.selection.row)
    const canMove = hasSelection && grid.isManualOrder && can?.canUpdateRows !== false
    $button('add-row').disabled = can?.canInsertRows === false
    $button('generate').disabled = can?.canInsertRows === false
    $button('delete-row').disabled = !hasSelection || can?.canDeleteRows === false
    $button('move-up').disabled = !canMove
    $button('move-down').disabled = !canMove
    for (const control of $('add-column').querySelectorAll<HTMLInputElement>(
      'input, select, button',
    ))
      control.disabled = can?.canAdminister === false
    const isReadOnly = can !== undefined && !can.canInsertRows && !can.canUpdateRows
    $('access').hidden = !isReadOnly
    document.body.dataset.readOnly = String(isReadOnly)
  }
  conn.on('permissions', showAccess)
  grid.onRender(() => {
    showAccess()
    $('count').textContent = `${grid.total.toLocaleString('en')} rows`
  })
}

/** Appends 100,000 rows in transactions of 10,000, yielding to the page between them. */
async function generateRows(conn: Connection): Promise<void> {
  const table = conn.table
  if (table.getColumn('title') === undefined) table.addColumn({ name: 'title', type: 'string' })
  if (table.getColumn('n') === undefined) table.addColumn({ name: 'n', type: 'number' })
  const start = table.size
  for (let batch = 0; batch < 10; batch++) {
    const rows = Array.from({ length: 10_000 }, (_, i) => {
      const n = start + batch * 10_000 + i + 1
      return { title: `Row ${n}`, n }
    })
    table.insertRows(rows)
    await new Promise((resolve) => setTimeout(resolve, 0))
  }
}

/** Resolves once the connection is synced or has failed once (so it is offline for now). */
function firstSyncOrOffline(conn: Connection): Promise<void> {
  return new Promise((resolve) => {
    const stop = conn.on('status', (status) => {
      if (status !== 'synced' && status !== 'offline') return
      stop()
      resolve()
    })
    if (conn.status === 'synced') {
      stop()
      resolve()
    }
  })
}

async function main(): Promise<void> {
  const user = currentUser()
  const login = await devLogin(user)
  if (login !== undefined) showLogin(login)
  void fillTablePicker(login?.token)
  const create = params.get('create') === '1' || tableName === 'demo'
  const conn = connectTable({
    url: location.origin,
    table: tableName,
    offline: true,
    // With auth the server stamps presence with the token's user: use its id from the start.
    user: login === undefined ? user : { ...user, id: login.user.id, name: login.user.name },
    ...(login === undefined ? {} : { token: login.token }),
    connect: localStorage.getItem(offlineKey) !== '1',
  })
  await conn.whenLoaded()
  // A live query built over the loaded rows is cheaper than one fed 100,000 added rows by a
  // single transaction: with nothing stored yet, wait for the server (or for being offline).
  if (conn.table.size === 0 && conn.isOnline) await firstSyncOrOffline(conn)
  const dataMs = performance.now()
  const grid = createGrid(
    conn,
    { head: $('grid-head'), body: $('grid-body'), spacer: $('grid-spacer'), rows: $('grid-rows') },
    showError,
  )
  const demo = { conn, grid, rowHeight, dataMs, firstWindowMs: undefined as number | undefined }
  Object.assign(window, { demo })
  grid.onRender(() => {
    if (demo.firstWindowMs === undefined && grid.rows.length > 0) {
      demo.firstWindowMs = performance.now()
      document.body.dataset.firstWindow = 'true'
    }
  })
  wireConnection(conn, grid)
  mountCsvButtons($('csv'), {
    table: () => tableName,
    token: () => login?.token,
    onError: showError,
  })
  document.body.dataset.loaded = 'true'
  if (create) {
    const addDefaults = (): void => {
      if (conn.table.columns().length > 0) return
      conn.table.addColumn({ name: 'title', type: 'string' })
      conn.table.addColumn({ name: 'done', type: 'boolean', default: false })
    }
    if (conn.status === 'synced' || !conn.isOnline) addDefaults()
    else void conn.whenSynced().then(addDefaults, showError)
    history.replaceState(null, '', `?table=${encodeURIComponent(tableName)}`)
  }
}

main().catch(showError)
