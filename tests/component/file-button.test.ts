// @vitest-environment happy-dom
// Every file input reads in Chinese: 选择文件, then the chosen file's name.
import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import { i18n } from '@/app/i18n'
import FileButton from '@/ui/FileButton.vue'

describe('FileButton', () => {
  it('shows 选择文件 and the chosen file name, and passes the change on', async () => {
    const wrapper = mount(FileButton, { props: { label: '楼栋表', accept: '.xlsx' }, global: { plugins: [i18n] } })
    expect(wrapper.text()).toContain('选择文件')
    expect(wrapper.text()).toContain('未选择文件')
    expect(wrapper.text()).not.toMatch(/Choose File|No file chosen/)
    const input = wrapper.get('input[type="file"]')
    expect(input.attributes('aria-label')).toBe('楼栋表')
    const file = new File(['x'], '翠湖花园楼栋.xlsx')
    Object.defineProperty(input.element, 'files', { value: [file] })
    await input.trigger('change')
    expect(wrapper.text()).toContain('翠湖花园楼栋.xlsx')
    expect(wrapper.text()).not.toContain('未选择文件')
    expect(wrapper.emitted('change')).toHaveLength(1)
  })
})
