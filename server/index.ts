// The sync server: createServer and its parts (arrives with issue 4).
export {}
