import { PixstoreError } from '../core/index.js'
import type { SW_MESSAGE, ImageResponseMessage, KeyResponseMessage, SwMessage } from '../protocol/index.js'

/** A question the worker asks the page bridges: an image, or only its key. */
export interface PageQuestion {
  type: typeof SW_MESSAGE.IMAGE_REQUEST | typeof SW_MESSAGE.KEY_REQUEST
  id: string
  token: number
}

/** Whoever waits on a question; `repost` is set while the question is pending. */
export interface Asker {
  /** Posts the pending question again, with a fresh timeout. */
  repost?: () => void
}

interface Pending {
  resolve: (message: SwMessage) => void
  reject: (error: PixstoreError) => void
  timer: ReturnType<typeof setTimeout>
}

/**
 * The worker's side of the exchange with the page bridges: it posts a question on the
 * channel and waits for the first answer with its request id, or fails with `timeout`.
 */
export class PageQuestions {
  private readonly pending = new Map<string, Pending>()

  /**
   * @param channel Where the bridges listen and answer.
   * @param timeout Milliseconds to wait for an answer.
   * @param newId A request id no other question has.
   */
  constructor(
    private readonly channel: BroadcastChannel,
    private readonly timeout: number,
    private readonly newId: () => string,
  ) {}

  /** Posts `question` and resolves with the first answer to it. */
  ask<T extends ImageResponseMessage | KeyResponseMessage>(question: PageQuestion, asker: Asker): Promise<T> {
    const message = { ...question, requestId: this.newId() }
    return new Promise<T>((resolve, reject) => {
      const expire = () =>
        setTimeout(() => {
          this.pending.delete(message.requestId)
          asker.repost = undefined
          // Stryker disable next-line StringLiteral: the request answers 504 by its code; the message is never shown
          reject(new PixstoreError('timeout', `No page answered for ${message.id} in ${this.timeout} ms`))
        }, this.timeout)
      const pending: Pending = {
        resolve: (answer) => {
          asker.repost = undefined
          resolve(answer as T)
        },
        reject: (error) => {
          asker.repost = undefined
          reject(error)
        },
        timer: expire(),
      }
      this.pending.set(message.requestId, pending)
      asker.repost = () => {
        clearTimeout(pending.timer)
        pending.timer = expire()
        this.channel.postMessage(message)
      }
      this.channel.postMessage(message)
    })
  }

  /** Hands an answer to the question it answers; one nobody waits for is dropped. */
  answer(message: ImageResponseMessage | KeyResponseMessage): void {
    const pending = this.pending.get(message.requestId)
    if (!pending) return
    this.pending.delete(message.requestId)
    clearTimeout(pending.timer)
    pending.resolve(message)
  }

  /** Every question still waiting fails with `error`. */
  refuseAll(error: PixstoreError): void {
    for (const [requestId, pending] of this.pending) {
      this.pending.delete(requestId)
      clearTimeout(pending.timer)
      pending.reject(error)
    }
  }
}
