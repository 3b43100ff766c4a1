/** The weekly report as an .xlsx workbook (exceljs): one sheet per part, Chinese headers. */
import ExcelJS from 'exceljs'
import { VISIT_OUTCOMES, labelOf, ISSUE_CATEGORIES } from '../../src/domain/constants'
import { dayOf } from '../../src/domain/calendar'
// The phone's and console's formatters: the workbook reads as the page does (2026年第49周 11月30日–12月6日).
import { formatDayId, formatWeek } from '../../src/ui/time'
import type { WeeklyAnswer } from '../../src/domain/console'

export async function weeklyWorkbook(r: WeeklyAnswer, timeZone: string): Promise<Buffer> {
  const wb = new ExcelJS.Workbook()
  wb.creator = 'FullGrid 满格'
  const title = `周报（周周清）${formatWeek(r.week, 'zh-CN', { year: true })}`

  const summary = wb.addWorksheet('概况')
  summary.addRow([title]).font = { bold: true, size: 14 }
  summary.addRows([
    [],
    ['发现事件', r.issues.found],
    ['办结（销号）事件', r.issues.closed],
    ['周末仍未办结', r.issues.stillOpen],
    ['走访次数', r.visits.total],
    ...VISIT_OUTCOMES.map((o) => [`走访：${o.zh}`, r.visits.byOutcome[o.code]]),
    ['走访：入户', r.visits.byChannel.door],
    ['走访：电话', r.visits.byChannel.phone],
  ])
  summary.getColumn(1).width = 24

  const issues = wb.addWorksheet('事件')
  issues.addRow(['类别', '发现', '办结'])
  for (const c of r.issues.byCategory) issues.addRow([c.label, c.found, c.closed])
  issues.addRow([])
  issues.addRow(['仍未办结', '网格', '上报日期', '类别'])
  for (const o of r.issues.open) issues.addRow([o.title, o.gridName, formatDayId(dayOf(o.reportedAt, timeZone), 'zh-CN'), labelOf(ISSUE_CATEGORIES, o.category)])
  issues.getColumn(1).width = 30

  const patrols = wb.addWorksheet('巡查')
  patrols.addRow(['网格', '巡查天数', '天数', '巡查次数', '检查项覆盖率'])
  for (const p of r.patrols) patrols.addRow([p.gridName, p.daysPatrolled, p.days, p.patrols, p.coverage === null ? '' : Math.round(p.coverage * 100) / 100])
  patrols.getColumn(1).width = 20

  for (const ws of [issues, patrols]) ws.getRow(1).font = { bold: true }
  return Buffer.from(await wb.xlsx.writeBuffer())
}
