/**
 * Reading a ledger workbook as a community keeps it: the header row may sit below a title row,
 * headers may be merged (a two-row header such as 住址 over 小区/楼栋/单元/房号), and columns we
 * do not know are reported and left alone. Rows keep the sheet's own row numbers for errors.
 */
import ExcelJS from 'exceljs'
import { clean, fieldOfHeader, type LedgerField } from './columns'

export interface LedgerSheet {
  /** Column number → field, for the columns we know. */
  mapping: { column: number; header: string; field: LedgerField }[]
  ignoredColumns: string[]
  rows: { row: number; values: Partial<Record<LedgerField, string>> }[]
}

export class WorkbookError extends Error {}

const HEADER_SEARCH_ROWS = 15

/** Plain text of a cell: rich text, formulas' results, hyperlinks' text, dates as YYYY-MM-DD. */
function cellText(cell: ExcelJS.Cell): string {
  const v = cell.value as unknown
  if (v === null || v === undefined) return ''
  if (v instanceof Date) return v.toISOString().slice(0, 10)
  if (typeof v === 'object') {
    const o = v as { richText?: { text: string }[]; result?: unknown; text?: unknown }
    if (o.richText) return clean(o.richText.map((t) => t.text).join(''))
    if ('result' in o) return clean(o.result)
    if ('text' in o) return clean(o.text)
    return ''
  }
  return clean(v)
}

export async function readLedgerWorkbook(bytes: Buffer): Promise<LedgerSheet> {
  const wb = new ExcelJS.Workbook()
  try {
    await wb.xlsx.load(bytes as unknown as ArrayBuffer)
  } catch {
    throw new WorkbookError('无法读取这个文件：请上传 Excel 工作簿（.xlsx）')
  }
  const ws = wb.worksheets.find((w) => w.actualRowCount > 0)
  if (!ws) throw new WorkbookError('工作簿是空的')
  const width = ws.columnCount
  const textRow = (r: number) => Array.from({ length: width }, (_, i) => cellText(ws.getRow(r).getCell(i + 1)))
  const score = (texts: string[]) => new Set(texts.map(fieldOfHeader).filter((f) => f !== null)).size

  // The header is the row, among the first ones, that names the most of our fields.
  let headerRow = 0
  let best = 0
  for (let r = 1; r <= Math.min(HEADER_SEARCH_ROWS, ws.rowCount); r++) {
    const s = score(textRow(r))
    if (s > best) {
      best = s
      headerRow = r
    }
  }
  if (best < 3) throw new WorkbookError('找不到表头：前几行里应有“小区”“楼栋”“单元”“房号”“户主”等列名')
  const top = textRow(headerRow)
  // A second header row under it (sub-headers of merged cells) refines the columns it names.
  const below = headerRow < ws.rowCount ? textRow(headerRow + 1) : []
  const twoRows = score(below) >= 2 && below.filter((t) => t && !fieldOfHeader(t)).length <= 1
  const dataFrom = headerRow + (twoRows ? 2 : 1)

  const mapping: LedgerSheet['mapping'] = []
  const ignoredColumns: string[] = []
  const taken = new Set<LedgerField>()
  for (let c = 0; c < width; c++) {
    const header = (twoRows && fieldOfHeader(below[c]) ? below[c] : top[c]) || (twoRows ? below[c] : '')
    const field = fieldOfHeader(header)
    if (field && !taken.has(field)) {
      taken.add(field)
      mapping.push({ column: c + 1, header, field })
    } else if (header && !field && !ignoredColumns.includes(header)) ignoredColumns.push(header)
  }

  const rows: LedgerSheet['rows'] = []
  for (let r = dataFrom; r <= ws.rowCount; r++) {
    const row = ws.getRow(r)
    const values: Partial<Record<LedgerField, string>> = {}
    let any = false
    for (const m of mapping) {
      const t = cellText(row.getCell(m.column))
      if (t) {
        values[m.field] = t
        any = true
      }
    }
    if (any) rows.push({ row: r, values })
  }
  return { mapping, ignoredColumns, rows }
}
