// The demo page's entry: picks the user (and logs in when the server offers dev login), then
// renders the spreadsheet. Built by build.js into dist/demo/, served by the server at `/`.
import '@glideapps/glide-data-grid/dist/index.css'
import { createRoot } from 'react-dom/client'
import { App } from './app.js'
import { startSession } from './session.js'

const root = createRoot(document.getElementById('root')!)
startSession().then(
  (session) => {
    root.render(<App session={session} />)
  },
  (error: unknown) => {
    root.render(<p role="alert">The page could not start: {String(error)}</p>)
  },
)
