/** A campaign's results as an .xlsx workbook (exceljs): one row per target, Chinese headers. */
import ExcelJS from 'exceljs'
import { answerLines } from '../../src/domain/checklists'
import { targetState, type Campaign, type CampaignTarget, type TargetState } from '../../src/domain/campaigns'
import type { Visit } from '../../src/domain/entities'

const STATE_ZH: Record<TargetState, string> = { done: '已完成', not_home: '不在家', refused: '拒访', not_yet: '未走访' }

export async function campaignWorkbook(c: Campaign, targets: readonly CampaignTarget[], answers: readonly Visit[], gridNames: ReadonlyMap<string, string>): Promise<Buffer> {
  const wb = new ExcelJS.Workbook()
  const ws = wb.addWorksheet('排查结果')
  ws.columns = [
    { header: '网格', width: 16 },
    { header: '对象', width: 36 },
    { header: '状态', width: 10 },
    { header: '走访时间', width: 20 },
    ...c.items.map((i) => ({ header: i.label, width: 16 })),
    { header: '备注', width: 30 },
  ]
  const byTarget = new Map<string, Visit[]>()
  for (const a of answers) if (a.campaignTargetId) byTarget.set(a.campaignTargetId, [...(byTarget.get(a.campaignTargetId) ?? []), a])
  for (const t of targets) {
    const list = byTarget.get(t.id) ?? []
    const last = [...list].sort((a, b) => (a.hlc < b.hlc ? 1 : -1)).find((a) => a.outcome === 'met') ?? list[0]
    const lines = new Map(last ? answerLines(c.items, last.answers).map((l) => [l.itemId, l.value]) : [])
    const fmt = (v: unknown) => (v === true ? '是' : v === false ? '否' : v ?? '')
    ws.addRow([
      gridNames.get(t.gridId) ?? '', t.label, STATE_ZH[targetState(list)],
      last ? new Date(last.endedAt).toISOString().slice(0, 16).replace('T', ' ') : '',
      ...c.items.map((i) => fmt(lines.get(i.id))),
      last?.notes ?? '',
    ])
  }
  ws.getRow(1).font = { bold: true }
  return Buffer.from(await wb.xlsx.writeBuffer())
}
