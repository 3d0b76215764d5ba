// A W3C WebDriver client of the few commands the engine cases need, over fetch: sessions,
// tabs, navigation and scripts. It drives WebKitGTK's WebKitWebDriver, which no package of
// this project's other drivers speaks to.
import { HANG } from './hang'

/** A WebDriver error answer. */
interface WebDriverError {
  error: string
  message: string
}

/** One session of a WebDriver server: a browser of its own, with its tabs. */
export class WebDriverSession {
  private current: string
  /** Commands run one at a time: each tab's switches in before it acts. */
  private queue: Promise<unknown> = Promise.resolve()

  private constructor(
    private readonly base: string,
    readonly initialTab: string,
  ) {
    this.current = initialTab
  }

  /** Starts a session at `server` (e.g. `http://127.0.0.1:4444`) with `capabilities`. */
  static async start(server: string, capabilities: object): Promise<WebDriverSession> {
    const { sessionId } = await command<{ sessionId: string }>(
      'POST',
      `${server}/session`,
      { capabilities: { alwaysMatch: { pageLoadStrategy: 'none', ...capabilities } } },
      // A browser launch takes seconds: one not answered within HANG never will be.
      HANG,
    )
    const base = `${server}/session/${sessionId}`
    await command('POST', `${base}/timeouts`, { script: HANG, pageLoad: HANG })
    return new WebDriverSession(base, await command<string>('GET', `${base}/window`))
  }

  /** Opens a tab; returns its handle. */
  newTab(): Promise<string> {
    return this.run(
      async () =>
        (await command<{ handle: string }>('POST', `${this.base}/window/new`, { type: 'tab' })).handle,
    )
  }

  /** Navigates tab `handle` to `url` without waiting for it to load. */
  navigate(handle: string, url: string): Promise<void> {
    return this.in(handle, () => command('POST', `${this.base}/url`, { url }))
  }

  /** Reloads tab `handle` without waiting for it to load. */
  refresh(handle: string): Promise<void> {
    return this.in(handle, () => command('POST', `${this.base}/refresh`, {}))
  }

  /** Runs `source`, an async function's text, with `arg` in tab `handle`; resolves its value. */
  async execute<R>(handle: string, source: string, arg: unknown): Promise<R> {
    // Bounded in the page too: a driver may not enforce its script timeout.
    const script = `const done = arguments[arguments.length - 1];
      setTimeout(() => done({ error: 'Unfinished after ${HANG} ms' }), ${HANG});
      Promise.resolve().then(() => (${source})(arguments[0])).then(
        (value) => done({ value: value === undefined ? null : value }),
        (error) => done({ error: String(error && error.stack || error) }))`
    const answer = await this.in(handle, () =>
      command<{ value: R } | { error: string }>('POST', `${this.base}/execute/async`, {
        script,
        args: [arg],
      }),
    )
    if ('error' in answer) throw new Error(`In the page: ${answer.error}: ${source.slice(0, 200)}`)
    return answer.value
  }

  /** Ends the session and its browser. */
  end(): Promise<void> {
    return this.run(() => command('DELETE', this.base))
  }

  private in<T>(handle: string, act: () => Promise<T>): Promise<T> {
    return this.run(async () => {
      if (this.current !== handle) await command('POST', `${this.base}/window`, { handle })
      this.current = handle
      return act()
    })
  }

  private run<T>(act: () => Promise<T>): Promise<T> {
    const done = this.queue.then(act)
    this.queue = done.catch(() => undefined)
    return done
  }
}

/** A driver that did not answer a command in time. */
export class NoAnswer extends Error {}

async function command<T = unknown>(
  method: string,
  url: string,
  body?: object,
  // A driver that never answers fails the command, naming it, instead of holding the test
  // until its own timeout: past the script and page load timeouts (HANG) it can only hang.
  timeout = 2 * HANG,
): Promise<T> {
  const response = await fetch(url, {
    method,
    headers: body ? { 'content-type': 'application/json' } : undefined,
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(timeout),
  }).catch((error: unknown) => {
    throw new NoAnswer(`WebDriver ${method} ${url}: no answer (${String(error)})`)
  })
  const { value } = (await response.json()) as { value: T | WebDriverError }
  if (!response.ok) {
    const { error, message } = value as WebDriverError
    throw new Error(`WebDriver ${method} ${url}: ${error}: ${message}`)
  }
  return value as T
}
