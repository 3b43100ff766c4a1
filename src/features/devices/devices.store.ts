/**
 * 设备管理: the devices that have logged in, and 停用 (revoke) for a lost or handed-over phone.
 * Unlike the rest of the app this needs the network: the list lives on the server only.
 */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import { apiFetch, NetworkError, ServerError, UnauthorizedError } from '@/app/session/api'
import { deviceListSchema, type Device } from '@/domain/devices'
import { deviceKey, type DevicesError } from './devices.models'

export const useDevicesStore = defineStore('devices', () => {
  const devices = shallowRef<Device[]>([])
  const loaded = ref(false)
  const loading = ref(false)
  const loadError = ref<DevicesError | null>(null)
  /** The device being revoked (its `deviceKey`), one at a time. */
  const revoking = ref<string | null>(null)
  const revokeError = ref<DevicesError | null>(null)

  function reasonOf(err: unknown): DevicesError {
    if (err instanceof NetworkError) return { kind: 'offline' }
    const status = (err as { status?: number }).status ?? (err instanceof UnauthorizedError ? 401 : 0)
    return { kind: 'server', status, message: err instanceof Error ? err.message : String(err) }
  }

  /** Fetch the list; on failure the previous list stays and `loadError` says why. */
  async function load(): Promise<void> {
    loading.value = true
    try {
      if (globalThis.navigator?.onLine === false) throw new NetworkError()
      const parsed = deviceListSchema.safeParse(await apiFetch('/api/devices'))
      if (!parsed.success) throw new ServerError(200, '服务器的回答无法识别，请稍后重试')
      devices.value = parsed.data.devices
      loadError.value = null
      loaded.value = true
    } catch (err) {
      loadError.value = reasonOf(err)
    } finally {
      loading.value = false
    }
  }

  /** 停用: revoke this device for its user (a shared phone keeps its other users), then reload. */
  async function revoke(device: Pick<Device, 'id' | 'userId'>): Promise<boolean> {
    if (revoking.value) return false
    revoking.value = deviceKey(device)
    revokeError.value = null
    try {
      if (globalThis.navigator?.onLine === false) throw new NetworkError()
      await apiFetch(`/api/devices/${encodeURIComponent(device.id)}/revoke`, { method: 'POST', json: { userId: device.userId } })
    } catch (err) {
      revokeError.value = reasonOf(err)
      return false
    } finally {
      revoking.value = null
    }
    await load()
    return true
  }

  return { devices, loaded, loading, loadError, revoking, revokeError, load, revoke }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useDevicesStore, import.meta.hot))
