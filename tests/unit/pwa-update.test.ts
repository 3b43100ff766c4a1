/** 立即更新 never reloads while a form holds unsaved input or a patrol records (DESIGN §8.4). */
import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { nextTick } from 'vue'
import { usePwaStore } from '@/app/pwa.store'

describe('update prompt', () => {
  beforeEach(() => setActivePinia(createPinia()))

  it('activates on the tap when nothing holds it', () => {
    const pwa = usePwaStore()
    let activations = 0
    pwa.offerUpdate(() => activations++)
    expect(pwa.updateAvailable).toBe(true)
    expect(activations, 'never by itself').toBe(0)
    pwa.applyUpdate()
    expect(activations).toBe(1)
  })

  it('waits for every hold to be released, then activates once', async () => {
    const pwa = usePwaStore()
    let activations = 0
    pwa.offerUpdate(() => activations++)
    pwa.hold('visit-form', true)
    pwa.hold('patrol', true)
    pwa.applyUpdate()
    await nextTick()
    expect(activations).toBe(0)
    pwa.hold('visit-form', false)
    await nextTick()
    expect(activations, 'the patrol still records').toBe(0)
    pwa.hold('patrol', false)
    await nextTick()
    expect(activations).toBe(1)
    pwa.hold('patrol', true)
    pwa.hold('patrol', false)
    await nextTick()
    expect(activations).toBe(1)
  })

  it('does nothing when holds come and go without a tap', async () => {
    const pwa = usePwaStore()
    let activations = 0
    pwa.offerUpdate(() => activations++)
    pwa.hold('visit-form', true)
    pwa.hold('visit-form', false)
    await nextTick()
    expect(activations).toBe(0)
  })
})
