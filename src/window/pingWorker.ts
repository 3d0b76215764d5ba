import { SW_MESSAGE, type PingMessage } from '../protocol/index.js'

/**
 * Whether `worker` holds the kit's handler: it answers a `PING` on the port sent with it
 * within `timeout` ms. A worker without it (an app's own that left the kit out) never answers.
 */
export function pingWorker(worker: Pick<ServiceWorker, 'postMessage'>, timeout: number): Promise<boolean> {
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel()
    const settle = (answered: boolean) => {
      clearTimeout(timer)
      port1.close()
      resolve(answered)
    }
    const timer = setTimeout(() => settle(false), timeout)
    port1.onmessage = () => settle(true)
    const ping: PingMessage = { type: SW_MESSAGE.PING }
    worker.postMessage(ping, [port2])
  })
}
