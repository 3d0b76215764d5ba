import { isPixstoreError, type ImageRecord, type ImageService } from '../core/index.js'
import {
  SW_MESSAGE,
  type ImageRequestMessage,
  type ImageResponseMessage,
  type KeyRequestMessage,
  type KeyResponseMessage,
} from '../protocol/index.js'

/**
 * A page's answer to the worker's question about a version whose record it knows: the key
 * from the record, or the ciphertext through the page's image service (Dexie, then the
 * network), or the failure's code.
 */
export async function answerQuestion(
  service: Pick<ImageService, 'getEncrypted'>,
  question: ImageRequestMessage | KeyRequestMessage,
  record: ImageRecord,
): Promise<ImageResponseMessage | KeyResponseMessage> {
  const { requestId } = question
  if (question.type === SW_MESSAGE.KEY_REQUEST)
    return { type: SW_MESSAGE.KEY_RESPONSE, requestId, ok: true, meta: record.meta }
  try {
    const { token, encrypted, meta } = await service.getEncrypted(record)
    return { type: SW_MESSAGE.IMAGE_RESPONSE, requestId, ok: true, token, encrypted, meta }
  } catch (error) {
    const code = isPixstoreError(error) ? error.code : 'server-error'
    return { type: SW_MESSAGE.IMAGE_RESPONSE, requestId, ok: false, code }
  }
}
