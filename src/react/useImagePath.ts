import { useState, useSyncExternalStore } from 'react'
import { PixstoreError, versionKey, type ImageRecord } from '../core/index.js'
import { imageUrl } from '../sw/index.js'
import { useClearHold } from './useClearHold.js'
import { useImageQuery } from './useImageQuery.js'
import { useImageSwap } from './useImageSwap.js'
import { useIsomorphicLayoutEffect } from './useIsomorphicLayoutEffect.js'
import { usePixstoreContext } from './usePixstoreContext.js'
import type { SecureImageState } from './useSecureImage.js'

/** The state of one image on its path. */
export interface ImagePath extends Omit<SecureImageState, 'isPreview' | 'load'> {
  /** Whether its query is fetching now. */
  fetching: boolean
}

const noSubscription = () => () => undefined

/**
 * One image on its path: the worker's `/_img/...` URL when the service worker is ready,
 * the object URL of its query otherwise or once the worker URL fails. Nothing loads while
 * `enabled` is false. With `direct`, the first image loads in the visible `<img>` itself.
 */
export function useImagePath(
  requested: ImageRecord | null | undefined,
  { enabled, direct, trackProgress }: { enabled: boolean; direct: boolean; trackProgress: boolean },
): ImagePath {
  const { client } = usePixstoreContext()
  const { workerPrefix, bridge } = client
  const hold = useClearHold(requested ? versionKey(requested) : undefined)
  const { clearEpoch } = hold
  const record = hold.held ? null : requested
  // Each image keeps the path it started on: switching a shown image to the worker when it
  // takes over would fetch and decode it twice. While the worker is still registering, the
  // choice waits (registration ends in `ready` or `failed`, within its timeout).
  const key = record ? `${versionKey(record)}\u0000${clearEpoch}` : undefined
  const [path, setPath] = useState<{ key: string | undefined; worker: boolean | undefined }>({
    key: undefined,
    worker: undefined,
  })
  let worker = path.key === key ? path.worker : undefined
  // The status matters only while an image waits for its path: once chosen (or with no
  // image), a change of status renders nothing here.
  const choosing = key !== undefined && worker === undefined
  const workerStatus = useSyncExternalStore(
    choosing ? client.subscribeWorkerStatus : noSubscription,
    () => (choosing ? client.getWorkerStatus() : undefined),
    () => (choosing ? 'unsupported' : undefined),
  )
  if (choosing && workerStatus !== 'registering') {
    worker = workerStatus === 'ready'
    setPath({ key, worker })
  }
  // After a clear the URL changes (the worker ignores `e`), so the document's own image
  // memory cannot show the cleared image again.
  const workerUrl =
    record && worker && enabled
      ? imageUrl(record.id, record.token, workerPrefix) + (clearEpoch ? `&e=${clearEpoch}` : '')
      : undefined
  const [failedWorkerUrl, setFailedWorkerUrl] = useState<string | undefined>(undefined)
  const viaWorker = workerUrl !== undefined && workerUrl !== failedWorkerUrl
  // The <img> starts its request at commit: a layout effect registers the record in that
  // same task, before the worker's question can arrive.
  const registered = viaWorker ? workerUrl : undefined
  useIsomorphicLayoutEffect(() => {
    if (registered && record) bridge.register(record)
  }, [registered, record, bridge])
  const { query: image, progress } = useImageQuery(
    record,
    enabled && worker !== undefined && !viaWorker,
    trackProgress,
  )
  // With a placeholder on screen, the image decodes off-screen before it replaces it.
  const swap = useImageSwap(viaWorker ? workerUrl : image.data?.url, direct)

  if (viaWorker && swap.failed === workerUrl) setFailedWorkerUrl(workerUrl)

  const img = { src: swap.src, onLoad: swap.onLoad, onError: swap.onError }
  const retry = () => (hold.held ? hold.release() : void image.refetch())
  const undecodable = !viaWorker && swap.failed !== undefined && swap.failed === image.data?.url
  const error =
    image.error ??
    (undecodable ? new PixstoreError('unsupported-format', 'The browser could not decode the image') : null)
  const base = { retry, img, progress, fetching: image.isFetching }
  if (error && !(image.isPlaceholderData && swap.loaded))
    return { ...base, status: 'error', error, via: undefined }
  if (!swap.loaded) return { ...base, status: 'loading', error: null, via: undefined }
  const via = swap.src!.startsWith(workerPrefix) ? 'worker' : 'object-url'
  return { ...base, status: 'success', error: null, via }
}
