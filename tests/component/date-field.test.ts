// @vitest-environment happy-dom
// The one date control: it reads as people write dates (never an id or the browser's own format)
// and its picker sets the calendar's id.
import { defineComponent, h, ref } from 'vue'
import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, describe, expect, it } from 'vitest'
import { i18n } from '@/app/i18n'
import DateField from '@/ui/DateField.vue'

const mounted: Array<{ unmount(): void }> = []
afterEach(() => {
  for (const w of mounted.splice(0)) w.unmount()
  document.body.innerHTML = ''
})

function mountField(mode: 'day' | 'week' | 'month', start: string) {
  const value = ref(start)
  const Host = defineComponent(() => () => h(DateField, { mode, label: '日期', modelValue: value.value, 'onUpdate:modelValue': (v: string) => (value.value = v) }))
  const wrapper = mount(Host, { global: { plugins: [i18n] }, attachTo: document.body })
  mounted.push(wrapper)
  return { wrapper, value }
}

/** Clicks the option reading `text` in picker column `column` (0: year). */
async function pick(column: number, text: string) {
  const col = document.querySelectorAll('.van-picker-column')[column]
  const option = [...col.querySelectorAll<HTMLElement>('.van-picker-column__item')].find((o) => o.textContent?.trim() === text)
  expect(option, `option ${text}`).toBeTruthy()
  option!.click()
  await flushPromises()
}

async function confirm() {
  document.querySelector<HTMLElement>('.van-picker__confirm')!.click()
  await flushPromises()
}

describe('DateField', () => {
  it('shows a day in Chinese and picks another day', async () => {
    const { wrapper, value } = mountField('day', '2026-12-05')
    const button = wrapper.get('button[aria-label="日期"]')
    expect(button.text()).toBe('2026年12月5日')
    await button.trigger('click')
    await flushPromises()
    expect(document.querySelector('.van-picker__title')?.textContent).toBe('日期')
    await pick(1, '2月')
    // February of 2026 has 28 days: the day column follows the month.
    const days = [...document.querySelectorAll('.van-picker-column')[2].querySelectorAll('.van-picker-column__item')]
    expect(days).toHaveLength(28)
    await pick(2, '14日')
    await confirm()
    expect(value.value).toBe('2026-02-14')
    expect(wrapper.get('button').text()).toBe('2026年2月14日')
    expect(document.body.textContent).not.toMatch(/\d{4}-\d{2}/)
  })

  it('shows an ISO week with its days and picks another week', async () => {
    const { wrapper, value } = mountField('week', '2026-W49')
    expect(wrapper.get('button').text()).toBe('2026年第49周 11月30日–12月6日')
    await wrapper.get('button').trigger('click')
    await flushPromises()
    await pick(1, '第1周 12月29日–2026年1月4日')
    await confirm()
    expect(value.value).toBe('2026-W01')
    expect(wrapper.get('button').text()).toBe('2026年第1周 12月29日–2026年1月4日')
    expect(document.body.textContent).not.toMatch(/W\d\d/)
  })

  it('shows a month and picks another month', async () => {
    const { wrapper, value } = mountField('month', '2026-12')
    expect(wrapper.get('button').text()).toBe('2026年12月')
    await wrapper.get('button').trigger('click')
    await flushPromises()
    await pick(0, '2025年')
    await pick(1, '3月')
    await confirm()
    expect(value.value).toBe('2025-03')
    expect(wrapper.get('button').text()).toBe('2025年3月')
  })

  it('asks for a date when there is none', () => {
    const { wrapper } = mountField('day', '')
    expect(wrapper.get('button').text()).toBe('请选择')
  })
})
