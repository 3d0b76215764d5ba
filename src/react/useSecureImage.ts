import { useEffect, useState } from 'react'
import { PixstoreError, type ImageRecord } from '../core/index.js'
import { imageUrl } from '../sw/index.js'
import { useDecodedSrc } from './useDecodedSrc.js'
import { useImage } from './useImage.js'
import { usePixstoreContext } from './usePixstoreContext.js'

/** What `useSecureImage` returns. */
export interface SecureImageState {
  /** The src to render, decoded already; undefined while loading. */
  src: string | undefined
  status: 'loading' | 'success' | 'error'
  error: PixstoreError | null
  /** Which path the shown image came through. */
  via: 'worker' | 'object-url' | undefined
}

/**
 * The logic of `<SecureImage>`: the worker's `/_img/...` URL when the service worker is
 * ready, the object URL of `useImage` otherwise or once the worker URL fails; decoded
 * before it is shown.
 */
export function useSecureImage(record: ImageRecord | null | undefined): SecureImageState {
  const { workerStatus, workerPrefix, bridge } = usePixstoreContext()
  const workerUrl =
    record && workerStatus === 'ready' ? imageUrl(record.id, record.token, workerPrefix) : undefined
  const [failedWorkerUrl, setFailedWorkerUrl] = useState<string | undefined>(undefined)
  const viaWorker = workerUrl !== undefined && workerUrl !== failedWorkerUrl
  // Declared before the decode below, so the bridge knows the record before the worker asks.
  useEffect(() => {
    if (viaWorker && record) bridge.register(record)
  }, [viaWorker, record, bridge])
  const image = useImage(record, { enabled: !viaWorker })
  const decoded = useDecodedSrc(viaWorker ? workerUrl : image.url)

  if (viaWorker && decoded.failed === workerUrl) setFailedWorkerUrl(workerUrl)

  const undecodable = !viaWorker && decoded.failed !== undefined && decoded.failed === image.url
  const error =
    image.error ??
    (undecodable ? new PixstoreError('unsupported-format', 'The browser could not decode the image') : null)
  if (error && !(image.isPlaceholderData && decoded.src)) {
    return { src: undefined, status: 'error', error, via: undefined }
  }
  if (decoded.src === undefined) return { src: undefined, status: 'loading', error: null, via: undefined }
  return {
    src: decoded.src,
    status: 'success',
    error: null,
    via: decoded.src.startsWith(workerPrefix) ? 'worker' : 'object-url',
  }
}
