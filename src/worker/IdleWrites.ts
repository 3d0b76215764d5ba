/** A write waiting for its turn, and the bytes it holds meanwhile. */
interface QueuedWrite {
  bytes: number
  start: () => Promise<unknown>
}

/**
 * Writes that wait while the worker is answering. A Cache Storage write of a loaded image
 * competes for the disk and the browser's storage thread with the loads and reads of the
 * answers pages are waiting for, so it waits until no answer is being found, then the
 * writes run one at a time, each waiting again if a new answer has started. Past `maxBytes`
 * waiting, the oldest runs anyway: a page that never stops asking cannot grow the queue
 * without bound.
 */
export class IdleWrites {
  private answering = 0
  private writing = false
  private waitingBytes = 0
  private readonly queue: QueuedWrite[] = []

  constructor(private readonly maxBytes: number) {}

  /** Counts `answer` as being found until it settles; writes wait for it. */
  answer<T>(answer: Promise<T>): Promise<T> {
    this.answering++
    const settled = () => {
      this.answering--
      this.next()
    }
    answer.then(settled, settled)
    return answer
  }

  /** Runs `write`, holding `bytes` until it starts, in its turn; settles as it does. */
  run<T>(bytes: number, write: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ bytes, start: () => Promise.resolve().then(write).then(resolve, reject) })
      this.waitingBytes += bytes
      this.next()
    })
  }

  private next(): void {
    const first = this.queue[0]
    if (this.writing || !first) return
    if (this.answering > 0 && this.waitingBytes <= this.maxBytes) return
    this.queue.shift()
    this.waitingBytes -= first.bytes
    this.writing = true
    void first.start().finally(() => {
      this.writing = false
      this.next()
    })
  }
}
