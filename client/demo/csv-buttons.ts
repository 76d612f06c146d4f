// Import CSV / Export CSV buttons with a progress bar, for any demo page: plain DOM, mounted into a
// host element, talking to the server's REST API (docs/csv.md). Knows nothing about the grid.

/** Options of `mountCsvButtons`. */
export interface CsvButtonsOptions {
  /** The server's http(s) URL; default the page's origin. */
  serverUrl?: string
  /** The table the buttons act on (read when clicked). */
  table: () => string
  /** The bearer token, when the server needs one. */
  token?: () => string | undefined
  /** Import with `createColumns=true` (needs the admin right); default true. */
  canCreateColumns?: boolean
  /** Told what went wrong (the server's message). */
  onError?: (message: string) => void
}

const element = <K extends keyof HTMLElementTagNameMap>(
  tag: K,
  properties: Partial<HTMLElementTagNameMap[K]>,
  data: string,
): HTMLElementTagNameMap[K] => {
  const created: HTMLElement = Object.assign(document.createElement(tag), properties)
  created.setAttribute('data-csv', data)
  return created as HTMLElementTagNameMap[K]
}

/**
 * Adds the buttons, a hidden file input, a progress bar and a status line to `host`. Import posts
 * the chosen file and follows the server's progress job (SSE); export streams the CSV, counting
 * its records against `x-total-rows`, and saves it. Returns the function that removes them.
 */
export function mountCsvButtons(host: HTMLElement, options: CsvButtonsOptions): () => void {
  const base = (options.serverUrl ?? location.origin).replace(/\/+$/, '')
  const file = element('input', { type: 'file', accept: '.csv,text/csv', hidden: true }, 'file')
  const importButton = element('button', { type: 'button', textContent: 'Import CSV' }, 'import')
  const exportButton = element('button', { type: 'button', textContent: 'Export CSV' }, 'export')
  const bar = element('progress', { max: 100, value: 0, hidden: true }, 'progress')
  const status = element('span', { className: 'csv-status' }, 'status')
  host.append(importButton, exportButton, file, bar, status)

  const headers = (): Record<string, string> => {
    const token = options.token?.()
    return token === undefined ? {} : { authorization: `Bearer ${token}` }
  }
  const tableUrl = (): string => `${base}/tables/${encodeURIComponent(options.table())}`
  const show = (percent: number | undefined, text: string): void => {
    bar.hidden = percent === undefined
    bar.value = percent ?? 0
    bar.dataset.percent = String(percent ?? '')
    status.textContent = text
  }
  const fail = (message: string): void => {
    show(undefined, message)
    options.onError?.(message)
  }
  const errorOf = async (response: Response): Promise<string> => {
    const body = (await response.json().catch(() => undefined)) as
      { error?: { message?: string } } | undefined
    return body?.error?.message ?? `the server answered ${response.status}`
  }

  const importFile = async (chosen: File): Promise<void> => {
    const job = crypto.randomUUID()
    const token = options.token?.()
    const progressUrl = `${tableUrl()}/import/progress?job=${job}${token === undefined ? '' : `&token=${encodeURIComponent(token)}`}`
    const events = new EventSource(progressUrl)
    events.addEventListener('progress', (event) => {
      const { percent, phase, records } = JSON.parse((event as MessageEvent<string>).data) as {
        percent?: number
        phase: string
        records: number
      }
      if (phase !== 'done' && phase !== 'failed')
        show(percent ?? 0, `Importing: ${phase}, ${records} records`)
    })
    show(0, `Importing ${chosen.name}…`)
    const query = `job=${job}${options.canCreateColumns === false ? '' : '&createColumns=true'}`
    try {
      const response = await fetch(`${tableUrl()}/import?${query}`, {
        method: 'POST',
        headers: { ...headers(), 'content-type': 'text/csv' },
        body: chosen,
      })
      if (!response.ok) {
        fail(`Import failed: ${await errorOf(response)}`)
        return
      }
      const result = (await response.json()) as { inserted: number; updated: number }
      show(100, `Imported ${result.inserted + result.updated} rows`)
    } finally {
      events.close()
    }
  }

  const exportTable = async (): Promise<void> => {
    const name = options.table()
    show(0, `Exporting ${name}…`)
    const response = await fetch(`${tableUrl()}/export.csv`, { headers: headers() })
    if (!response.ok || response.body === null) {
      fail(`Export failed: ${await errorOf(response)}`)
      return
    }
    const total = Number(response.headers.get('x-total-rows'))
    const chunks: BlobPart[] = []
    let lines = 0
    for (const reader = response.body.getReader(); ;) {
      const { done, value } = await reader.read()
      if (done) break
      chunks.push(value)
      for (const byte of value) if (byte === 10) lines++
      // Lines, not records (a cell may hold a newline): a progress bar needs no more.
      if (total > 0)
        show(Math.min(99, Math.floor(((lines - 1) / total) * 100)), `Exporting ${name}…`)
    }
    const link = document.createElement('a')
    link.href = URL.createObjectURL(new Blob(chunks, { type: 'text/csv' }))
    link.download = `${name}.csv`
    link.click()
    setTimeout(() => {
      URL.revokeObjectURL(link.href)
    }, 60_000)
    show(100, `Exported ${total} rows`)
  }

  const onImport = (): void => {
    file.value = ''
    file.click()
  }
  const onFile = (): void => {
    const chosen = file.files?.[0]
    if (chosen !== undefined)
      importFile(chosen).catch((error: unknown) => {
        fail(String(error))
      })
  }
  const onExport = (): void => {
    exportTable().catch((error: unknown) => {
      fail(String(error))
    })
  }
  importButton.addEventListener('click', onImport)
  file.addEventListener('change', onFile)
  exportButton.addEventListener('click', onExport)
  return () => {
    for (const part of [importButton, exportButton, file, bar, status]) part.remove()
  }
}
