/**
 * The client SDK: connectTable and its parts (browser and Node). Only exports.
 * @module tessera/client
 */
export { connectTable } from './connect-table.js'
export type { Connection, ConnectionStatus } from './connect-table.js'
export type { ConnectTableOptions, WebSocketClass } from './options.js'
export type { Presence, PresenceUser, Peer, Selection, CellAddress } from './presence.js'
export type { Undo, UndoOptions } from './undo.js'
export type { Conflict, Conflicts } from '../src/index.js'
export { createClient } from './create-client.js'
export type { Client, ClientOptions } from './create-client.js'
export type { TablePermissions } from './permissions.js'
export { openTableAt } from './open-table-at.js'
export type { OpenTableAtOptions } from './open-table-at.js'
export { connectQuery } from './query/connect-query.js'
export type { QueryConnection, QueryEvents } from './query/connect-query.js'
export type { ConnectQueryOptions } from './query/query-options.js'
