import { checkOption } from './checkOption.js'
import { postTask } from './postTask.js'

/** Runs `run` in a task of its own, after the tasks already queued. */
export type ScheduleTask = (run: () => void) => void

interface Turn {
  start: () => void
  signal: AbortSignal | undefined
}

/**
 * Gives waiting callers their turn a few per task, in order. Images decrypted together
 * would otherwise all be handed over in the tasks that bring their decryptions, and the
 * browser would load and paint none of them before the last is ready; between two of the
 * pacer's tasks it loads the ones already handed over. A turn whose signal has aborted is
 * skipped: it never starts and takes no place in a task.
 */
export class TaskPacer {
  private readonly waiting: Turn[] = []
  private scheduled = false

  /**
   * @param perTask Turns given in one task. @default 4
   * @param schedule Posts the next task. @default `postTask`
   * @throws `invalid-option` unless `perTask` is a whole number of at least 1.
   */
  constructor(
    private readonly perTask = 4,
    private readonly schedule: ScheduleTask = postTask,
  ) {
    checkOption('imagesPerTask', perTask, { min: 1 })
  }

  /** Resolves in a later task, when this turn comes; never if `signal` aborts first. */
  turn(signal?: AbortSignal): Promise<void> {
    return new Promise((start) => {
      this.waiting.push({ start, signal })
      if (!this.scheduled) {
        this.scheduled = true
        this.schedule(this.run)
      }
    })
  }

  private readonly run = (): void => {
    let given = 0
    while (given < this.perTask && this.waiting.length > 0) {
      const turn = this.waiting.shift()!
      if (turn.signal?.aborted) continue
      turn.start()
      given++
    }
    this.scheduled = this.waiting.length > 0
    if (this.scheduled) this.schedule(this.run)
  }
}
