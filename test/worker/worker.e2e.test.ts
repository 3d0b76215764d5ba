// The worker path end to end with the kit's standalone worker script (test/support/workerE2eCases.ts).
import { workerE2eCases } from '../support/workerE2eCases'

workerE2eCases('standalone')
