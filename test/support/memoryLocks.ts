// The part of the Web Locks API the service uses, in memory: exclusive locks by name,
// granted in request order, `ifAvailable`, and `signal` for a request still waiting.

type Granted = (lock: Lock | null) => unknown

/** A LockManager held in memory, recording the names requested. */
export function memoryLocks() {
  const queues = new Map<string, Array<() => void>>()
  const requested: string[] = []
  const request = (name: string, ...rest: unknown[]): Promise<unknown> => {
    const callback = rest.at(-1) as Granted
    const options = (rest.length > 1 ? rest[0] : {}) as LockOptions
    requested.push(name)
    const held = queues.has(name)
    if (held && options.ifAvailable) return Promise.resolve().then(() => callback(null))
    return new Promise((resolve, reject) => {
      const run = () => {
        options.signal?.removeEventListener('abort', onAbort)
        Promise.resolve()
          .then(() => callback({ name, mode: 'exclusive' } as Lock))
          .then(resolve, reject)
          .finally(() => {
            const queue = queues.get(name)!
            queue.shift()
            if (queue.length === 0) queues.delete(name)
            else queue[0]!()
          })
      }
      const onAbort = () => {
        const queue = queues.get(name)
        const at = queue?.indexOf(run) ?? -1
        if (at > 0) queue!.splice(at, 1)
        reject(options.signal!.reason)
      }
      if (options.signal?.aborted) return reject(options.signal.reason)
      options.signal?.addEventListener('abort', onAbort, { once: true })
      const queue = queues.get(name)
      if (queue) queue.push(run)
      else {
        queues.set(name, [run])
        run()
      }
    })
  }
  /** Requests for `name` held or waiting. */
  const queued = (name: string) => queues.get(name)?.length ?? 0
  return { locks: { request } as unknown as LockManager, requested, queued }
}
