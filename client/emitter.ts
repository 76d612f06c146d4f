// A minimal typed event emitter: `on` returns the unsubscribe function (STYLE.md 2.2: no `off`).
// A throwing handler never stops the others; its error is reported through `onHandlerError`.

/** Handlers keyed by event name. */
export type EventMap = Record<string, (...args: never[]) => void>

export interface Emitter<Events extends EventMap> {
  on<E extends keyof Events>(event: E, handler: Events[E]): () => void
  emit<E extends keyof Events>(event: E, ...args: Parameters<Events[E]>): void
  clear(): void
}

export function createEmitter<Events extends EventMap>(
  onHandlerError: (error: unknown) => void,
): Emitter<Events> {
  const handlers = new Map<keyof Events, Set<Events[keyof Events]>>()
  return {
    on(event, handler) {
      let set = handlers.get(event)
      if (set === undefined) handlers.set(event, (set = new Set()))
      set.add(handler)
      return () => {
        set.delete(handler)
      }
    },
    emit(event, ...args) {
      for (const handler of [...(handlers.get(event) ?? [])]) {
        try {
          ;(handler as (...a: Parameters<Events[typeof event]>) => void)(...args)
        } catch (error) {
          onHandlerError(error)
        }
      }
    },
    clear() {
      handlers.clear()
    },
  }
}
