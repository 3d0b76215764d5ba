import { LruMap, type ClearMessage } from '../protocol/index.js'

/** Clear ids remembered: a clear reaches the worker twice, on the channel and from its page. */
const CLEAR_IDS = 16

/** Pages whose clear epoch is remembered, the least recently cleared first out. */
const CLEARED_PAGES = 64

/**
 * What the worker remembers of the pages' clears: the last clear ids, so the same clear
 * arriving on its second path is known, and each page's clear epoch, so a URL the page made
 * before its last clear is answered at once.
 */
export class ClearLog {
  /** The ids of the last clears, in the order they arrived. */
  // Stryker disable next-line ArrayDeclaration: a clear id is a random UUID, never a string planted here
  private readonly ids: string[] = []
  private readonly pageEpochs = new LruMap<number>(CLEARED_PAGES)

  /**
   * Notes a clear, posted by page `clientId` when it came from the page itself; whether it is
   * new (a clear without an id always is).
   */
  note({ clearId, epoch }: ClearMessage, clientId?: string): boolean {
    // Stryker disable next-line ConditionalExpression: requests always name a client ('' for none): an epoch kept under no client is never read
    if (clientId !== undefined && typeof epoch === 'number') this.pageEpochs.set(clientId, epoch)
    if (!clearId) return true
    if (this.ids.includes(clearId)) return false
    if (this.ids.push(clearId) > CLEAR_IDS) this.ids.shift()
    return true
  }

  /** Whether page `clientId` made a URL of clear epoch `epoch` before its last clear. */
  isBefore(clientId: string, epoch: number): boolean {
    return epoch < (this.pageEpochs.get(clientId) ?? 0)
  }
}
