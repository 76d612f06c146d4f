// The client SDK: connectTable and its parts (arrives with issue 5).
export {}
