interface TaskScheduler {
  postTask(callback: () => void): Promise<unknown>
}

/**
 * Runs `run` in a new task, after the tasks already queued (the browser's loading and
 * painting among them): `scheduler.postTask` where the platform has it, else a
 * `MessageChannel` message, which nested timers' 4 ms clamp does not slow.
 */
export function postTask(run: () => void): void {
  const { scheduler } = globalThis as { scheduler?: TaskScheduler }
  if (typeof scheduler?.postTask === 'function') return void scheduler.postTask(run)
  const channel = new MessageChannel()
  channel.port1.onmessage = () => {
    // An open port would keep a Node process alive.
    channel.port1.close()
    run()
  }
  channel.port2.postMessage(undefined)
}
