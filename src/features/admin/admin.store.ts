/**
 * The administration's state: the communities the person may administer, the chosen one, and its
 * grids, people and buildings as the server last answered. Online only (a desk in the office);
 * every change is sent, then the lists it touches are read again, so counts stay the server's.
 */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import { adminApi, type AdminBuilding, type AdminGrid, type Community, type CommunitySettingsAnswer, type Crs, type NewPerson, type Polygon, type Person, type PersonRole } from './admin.api'

export type AdminList = 'grids' | 'people' | 'buildings' | 'settings'

export const useAdminStore = defineStore('admin', () => {
  const communities = shallowRef<Community[]>([])
  const communitiesLoaded = ref(false)
  const communityId = ref('')
  const grids = shallowRef<AdminGrid[]>([])
  const people = shallowRef<Person[]>([])
  const buildings = shallowRef<AdminBuilding[]>([])
  const settings = shallowRef<CommunitySettingsAnswer | null>(null)
  /** The last refusal or failure, in the server's (Chinese) words. */
  const error = ref('')
  /** The last thing done, in words (the page writes it). */
  const notice = ref('')
  // Requests in flight (a reload runs several at once): buttons wait while any is.
  const pending = ref(0)
  const busy = computed(() => pending.value > 0)

  /** Runs one request; its error lands in `error`, and null is returned. */
  async function run<T>(request: () => Promise<T>): Promise<T | null> {
    pending.value++
    error.value = ''
    try {
      return await request()
    } catch (err) {
      error.value = err instanceof Error ? err.message : String(err)
      notice.value = ''
      return null
    } finally {
      pending.value--
    }
  }

  async function loadCommunities(): Promise<void> {
    const answer = await run(() => adminApi.communities())
    if (!answer) return
    communities.value = answer.communities
    communitiesLoaded.value = true
    if (!answer.communities.some((c) => c.id === communityId.value)) communityId.value = answer.communities[0]?.id ?? ''
  }

  async function reload(lists: readonly AdminList[]): Promise<void> {
    const id = communityId.value
    if (!id) {
      grids.value = []
      people.value = []
      buildings.value = []
      settings.value = null
      return
    }
    await Promise.all(
      lists.map(async (list) => {
        if (list === 'grids') {
          const a = await run(() => adminApi.grids(id))
          if (a && id === communityId.value) grids.value = a.grids
        } else if (list === 'people') {
          const a = await run(() => adminApi.people(id))
          if (a && id === communityId.value) people.value = a.people
        } else if (list === 'settings') {
          const a = await run(() => adminApi.settings(id))
          if (a && id === communityId.value) settings.value = a
        } else {
          const a = await run(() => adminApi.buildings(id))
          if (a && id === communityId.value) buildings.value = a.buildings
        }
      }),
    )
  }

  /** What a page needs on opening: the communities (once), then its lists of the chosen one. */
  async function open(lists: readonly AdminList[]): Promise<void> {
    error.value = ''
    notice.value = ''
    if (!communitiesLoaded.value) await loadCommunities()
    await reload(lists)
  }

  async function choose(id: string, lists: readonly AdminList[]): Promise<void> {
    communityId.value = id
    notice.value = ''
    await reload(lists)
  }

  async function createCommunity(form: { name: string; code: string }): Promise<Community | null> {
    const a = await run(() => adminApi.createCommunity({ name: form.name.trim(), code: form.code.trim() }))
    if (!a) return null
    communities.value = [...communities.value, a.community]
    communityId.value = a.community.id
    await reload(['grids', 'people', 'buildings'])
    return a.community
  }

  /** After a change to grids: their counts and the communities' totals move too. */
  async function afterGridChange(): Promise<void> {
    await reload(['grids', 'people'])
    const a = await run(() => adminApi.communities())
    if (a) communities.value = a.communities
  }

  async function createGrid(parentId: string | null, form: { name: string; code: string }) {
    const a = await run(() => adminApi.createGrid({ communityId: communityId.value, parentId, name: form.name.trim(), code: form.code.trim() }))
    if (a) await afterGridChange()
    return a?.grid ?? null
  }

  async function updateGrid(gridId: string, change: { name?: string; parentId?: string; boundary?: Polygon | null }) {
    const a = await run(() => adminApi.updateGrid(gridId, change))
    if (a) await afterGridChange()
    return a?.grid ?? null
  }

  async function claimBuildings(gridId: string) {
    const a = await run(() => adminApi.claimBuildings(gridId))
    if (a) await reload(['grids', 'buildings'])
    return a
  }

  async function handover(gridId: string, fromUserId: string, toUserId: string) {
    const a = await run(() => adminApi.handover(gridId, { ...(fromUserId ? { fromUserId } : {}), toUserId }))
    if (a) await reload(['grids', 'people'])
    return a
  }

  async function importBoundaries(file: File, crs: Crs, dryRun: boolean) {
    const a = await run(() => adminApi.importBoundaries(communityId.value, file, crs, dryRun))
    if (a && !dryRun) await afterGridChange()
    return a
  }

  async function createPerson(person: Omit<NewPerson, 'communityId'>) {
    const a = await run(() => adminApi.createPerson({ ...person, communityId: communityId.value }))
    if (a) await reload(['people', 'grids'])
    return a?.person ?? null
  }

  async function updatePerson(id: string, change: { name?: string; phone?: string; role?: PersonRole; gridIds?: string[]; disabled?: boolean }) {
    const a = await run(() => adminApi.updatePerson(id, change))
    if (a) await reload(['people', 'grids'])
    return a?.person ?? null
  }

  const setPassword = (id: string, password: string) => run(() => adminApi.setPassword(id, password))
  const createLink = (personId: string) => run(async () => (await adminApi.createLink(personId)).link)
  const links = (personId: string) => run(async () => (await adminApi.links(personId)).links)
  const revokeLink = (linkId: string) => run(() => adminApi.revokeLink(linkId))

  async function createBuilding(body: Omit<Parameters<typeof adminApi.createBuilding>[0], 'communityId'>) {
    const a = await run(() => adminApi.createBuilding({ ...body, communityId: communityId.value }))
    if (a) await reload(['buildings', 'grids'])
    return a?.building ?? null
  }

  async function moveBuilding(id: string, gridId: string) {
    const a = await run(() => adminApi.updateBuilding(id, { gridId }))
    if (a) await reload(['buildings', 'grids'])
    return a
  }

  /** 圈选楼栋: these buildings (and their households) to one grid in one request — all or none. */
  async function moveBuildings(ids: readonly string[], gridId: string) {
    const a = await run(() => adminApi.moveBuildings({ buildingIds: ids, gridId }))
    if (a) await reload(['buildings', 'grids'])
    return a
  }

  async function importBuildings(file: File, dryRun: boolean) {
    const a = await run(() => adminApi.importBuildings(communityId.value, file, dryRun))
    if (a && !dryRun) await reload(['buildings', 'grids'])
    return a
  }

  async function importPeople(file: File, dryRun: boolean) {
    const a = await run(() => adminApi.importPeople(communityId.value, file, dryRun))
    if (a && !dryRun) await reload(['people', 'grids'])
    return a
  }

  /** 社区设置: a new name also renames the community in the chooser. */
  async function saveSettings(change: { name?: string; timeZone?: string; lockMinutes?: number }) {
    const id = communityId.value
    const a = await run(() => adminApi.updateSettings(id, change))
    if (!a) return null
    if (id === communityId.value) settings.value = a
    communities.value = communities.value.map((c) => (c.id === a.community.id ? { ...c, name: a.community.name } : c))
    return a
  }

  return {
    communities, communitiesLoaded, communityId, grids, people, buildings, settings, error, notice, busy, importPeople, saveSettings,
    open, choose, reload, createCommunity, createGrid, updateGrid, claimBuildings, handover, importBoundaries,
    createPerson, updatePerson, setPassword, createLink, links, revokeLink, createBuilding, moveBuilding, moveBuildings, importBuildings,
  }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useAdminStore, import.meta.hot))
