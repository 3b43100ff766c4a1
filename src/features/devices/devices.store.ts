/**
 * 设备管理: the devices that have logged in, and 停用 (revoke) for a lost or handed-over phone.
 * Unlike the rest of the app this needs the network: the list lives on the server only.
 */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import { useAccountStore } from '@/app/session/account.store'
import { deviceListSchema, type Device } from '@/domain/devices'
import { deviceKey, serverMessage, type DevicesError } from './devices.models'

const TIMEOUT_MS = 15_000

class RequestFailed extends Error {
  constructor(readonly reason: DevicesError) {
    super(reason.kind === 'offline' ? 'offline' : (reason.message ?? `HTTP ${reason.status}`))
  }
}

export const useDevicesStore = defineStore('devices', () => {
  const devices = shallowRef<Device[]>([])
  const loaded = ref(false)
  const loading = ref(false)
  const loadError = ref<DevicesError | null>(null)
  /** The device being revoked (its `deviceKey`), one at a time. */
  const revoking = ref<string | null>(null)
  const revokeError = ref<DevicesError | null>(null)

  async function request(url: string, init: RequestInit = {}): Promise<Response> {
    if (globalThis.navigator?.onLine === false) throw new RequestFailed({ kind: 'offline' })
    const token = useAccountStore().session?.token
    const headers = new Headers(init.headers)
    if (token) headers.set('authorization', `Bearer ${token}`)
    let res: Response
    try {
      res = await fetch(url, { ...init, headers, signal: AbortSignal.timeout(TIMEOUT_MS) })
    } catch {
      throw new RequestFailed({ kind: 'offline' })
    }
    if (!res.ok) throw new RequestFailed({ kind: 'server', status: res.status, message: await serverMessage(res) })
    return res
  }

  function reasonOf(err: unknown): DevicesError {
    if (err instanceof RequestFailed) return err.reason
    return { kind: 'server', status: 0, message: err instanceof Error ? err.message : String(err) }
  }

  /** Fetch the list; on failure the previous list stays and `loadError` says why. */
  async function load(): Promise<void> {
    loading.value = true
    try {
      const res = await request('/api/devices')
      const parsed = deviceListSchema.safeParse(await res.json().catch(() => null))
      if (!parsed.success) throw new RequestFailed({ kind: 'server', status: res.status, message: null })
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
      await request(`/api/devices/${encodeURIComponent(device.id)}/revoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ userId: device.userId }),
      })
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
