import { isPixstoreError } from '../core/index.js'
import { clearedError } from './clearedError.js'
import type { Flight, ImageResolver } from './ImageResolver.js'
import type { IdleWrites } from './IdleWrites.js'
import type { ServedReport } from '../protocol/index.js'
import { failedResponse, imageResponse } from './workerResponses.js'

/** A request being answered, shared by every fetch of the same URL. */
export interface SharedFlight extends Flight {
  response: Promise<Response>
  /** Clients whose fetches joined; a new one gets the question posted again. */
  clients: Set<string>
  /** Set once answered from the worker's own memory or Cache Storage. */
  served?: ServedReport
  /** Settles once the request is answered and what the page answered is kept. */
  done: Promise<void>
}

/** A flight while its answer is being found: what `respond` reads and writes of it. */
type AnsweringFlight = Omit<SharedFlight, 'response' | 'done'>

/** What the flights need of the worker. */
export interface SharedFlightsOptions {
  images: Pick<ImageResolver, 'imageOf'>
  /** Told of every answer being found, so the cache's writes wait for it. */
  writes: Pick<IdleWrites, 'answer'>
  /** The worker's clear epoch now (`EncryptedCache.epoch`). */
  epoch: () => number
  now: () => number
}

/**
 * The image requests being answered, one flight per image URL: concurrent fetches of a URL
 * join it (each gets its own body), and it lasts until what it loaded is kept, so a request
 * meanwhile joins rather than loading again. A flight from before a clear answers nobody new.
 */
export class SharedFlights {
  private readonly flights = new Map<string, SharedFlight>()

  constructor(private readonly options: SharedFlightsOptions) {}

  /** The flight answering URL `key` for a fetch by `clientId`: the running one, else a new one. */
  join(key: string, version: { id: string; token: number; handed: boolean }, clientId: string): SharedFlight {
    const flight = this.flights.get(key)
    // A flight from before a clear, still storing what it answered, answers nobody new.
    if (flight?.epoch !== this.options.epoch()) return this.fly(key, version, clientId)
    if (!flight.clients.has(clientId)) {
      // The page first asked may be gone (a reload): ask again for the new one.
      flight.clients.add(clientId)
      flight.repost?.()
    }
    return flight
  }

  /** Marks the flights of `ids` evicted, at once: none of them keeps what it loads. */
  evict(ids: readonly string[]): void {
    for (const id of ids) {
      for (const flight of this.flights.values()) if (flight.id === id) flight.evicted = true
    }
  }

  /** Asks the pages again for every flight waiting on them (a page's bridge started). */
  repostAll(): void {
    for (const flight of this.flights.values()) flight.repost?.()
  }

  /**
   * Starts answering `key`. The flight lasts until the page's answer is stored, so a request
   * for the same URL meanwhile joins it rather than asking again.
   */
  private fly(
    key: string,
    { id, token, handed }: { id: string; token: number; handed: boolean },
    clientId: string,
  ): SharedFlight {
    const asking: AnsweringFlight = { id, handed, epoch: this.options.epoch(), clients: new Set([clientId]) }
    const answered = this.options.writes.answer(this.respond(key, id, token, asking))
    const flight: SharedFlight = Object.assign(asking, {
      response: answered.then(({ response }) => response),
      // After a clear, a new flight may have taken this one's place.
      done: answered
        .then(({ kept }) => kept)
        .finally(() => this.flights.get(key) === flight && this.flights.delete(key)),
    })
    this.flights.set(key, flight)
    return flight
  }

  /** The response to `flight`, and what settles once the page's answer is kept. */
  private async respond(
    key: string,
    id: string,
    token: number,
    flight: AnsweringFlight,
  ): Promise<{ response: Response; kept?: Promise<void> }> {
    const start = this.options.now()
    let kept: Promise<void> | undefined
    try {
      const resolved = await this.options.images.imageOf(key, id, token, flight)
      kept = resolved.kept
      // Asked before a clear: nothing of it is answered after.
      if (flight.epoch !== this.options.epoch()) throw clearedError()
      const { image, source } = resolved
      // The page counts what it answered itself; what the worker answered alone, it is told.
      if (source !== 'page') {
        const ms = this.options.now() - start
        flight.served = { id, token, source, bytes: image.blob.size, ms }
      }
      return { response: imageResponse(image), kept }
    } catch (error) {
      const code = isPixstoreError(error) ? error.code : 'server-error'
      return { response: failedResponse(code), kept }
    }
  }
}
