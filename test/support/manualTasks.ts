/** A scheduler the test runs by hand: each `next()` is one task. */
export function manualTasks() {
  const queued: Array<() => void> = []
  return {
    schedule: (run: () => void) => void queued.push(run),
    get queued() {
      return queued.length
    },
    async next() {
      queued.shift()!()
      // The turns' continuations run in the microtasks after the task.
      await new Promise((resolve) => setImmediate(resolve))
    },
  }
}
