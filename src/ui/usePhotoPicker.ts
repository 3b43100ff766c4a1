/**
 * The state of a photo field (照片) in any feature: the files picked are added one by one
 * (compressed and stored by `add`, which answers the photo's key), each key appended to the
 * record's `ids` once, thumbnails made from the stored blobs and revoked with the component.
 */
import { onUnmounted, ref, watch, type Ref } from 'vue'

export interface PhotoPickerOptions {
  add: (file: File) => Promise<string>
  /** The stored blob of a photo, for its thumbnail. */
  read: (id: string) => Promise<Blob | null | undefined>
  /** The message shown when a photo cannot be added. */
  failed: (message: string) => string
  /** At most this many photos; files beyond it are left out. */
  max?: number
}

export function usePhotoPicker(ids: Ref<string[]>, opts: PhotoPickerOptions) {
  const busy = ref(false)
  const error = ref('')
  const urls = ref<Record<string, string>>({})

  watch(
    ids,
    async (list) => {
      for (const id of list) {
        if (urls.value[id]) continue
        // A thumbnail is a nicety: a photo evicted after upload (or unreadable) shows as a label.
        const blob = await opts.read(id).catch(() => null)
        if (blob instanceof Blob && typeof URL.createObjectURL === 'function') urls.value = { ...urls.value, [id]: URL.createObjectURL(blob) }
      }
    },
    { immediate: true, deep: true },
  )
  onUnmounted(() => Object.values(urls.value).forEach((u) => URL.revokeObjectURL?.(u)))

  async function onFiles(event: Event) {
    const input = event.target as HTMLInputElement
    const files = [...(input.files ?? [])]
    input.value = ''
    busy.value = true
    error.value = ''
    try {
      for (const file of files.slice(0, (opts.max ?? Infinity) - ids.value.length)) {
        const id = await opts.add(file)
        if (!ids.value.includes(id)) ids.value = [...ids.value, id]
      }
    } catch (err) {
      error.value = opts.failed(err instanceof Error ? err.message : String(err))
    } finally {
      busy.value = false
    }
  }

  return { busy, error, urls, onFiles }
}
