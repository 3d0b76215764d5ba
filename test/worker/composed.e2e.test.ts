// The worker path end to end with an app's own service worker that includes the kit's handler
// as a Workbox route (test/support/fixture/appWorker.ts), the page using it with
// `serviceWorker={{ register: false }}`: the same cases as the standalone worker's.
import { workerE2eCases } from '../support/workerE2eCases'

workerE2eCases('composed')
