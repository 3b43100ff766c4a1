/**
 * Reading a ledger workbook as a community keeps it: the header row may sit below a title row,
 * headers may be merged (a two-row header such as 住址 over 小区/楼栋/单元/房号), and columns we
 * do not know are reported and left alone. Rows keep the sheet's own row numbers for errors.
 */
import ExcelJS from 'exceljs'
import { clean, columnLetter, fieldOfHeader, headerKey, LEDGER_COLUMNS, type ColumnMapping, type LedgerField } from './columns'

export interface SheetColumn {
  column: number
  letter: string
  header: string
  field: LedgerField | null
}

export interface LedgerSheet {
  /** Column number → field, for the columns we know. */
  mapping: { column: number; header: string; field: LedgerField }[]
  ignoredColumns: string[]
  /** Every column of the sheet that has a header or is named by the mapping, left to right. */
  columns: SheetColumn[]
  rows: { row: number; values: Partial<Record<LedgerField, string>> }[]
}

export class WorkbookError extends Error {}

const HEADER_SEARCH_ROWS = 15

/**
 * Plain text of a cell's value: rich text, formulas' results, hyperlinks' text, dates as
 * YYYY-MM-DD. `tidy` folds the text; the ledger's own `clean` (NFKC) unless the caller's sheets
 * keep their characters as written (the administration uploads, server/admin/upload.ts).
 */
export function cellText(v: unknown, tidy: (value: unknown) => string = clean): string {
  if (v === null || v === undefined) return ''
  if (v instanceof Date) return v.toISOString().slice(0, 10)
  if (typeof v === 'object') {
    const o = v as { richText?: { text: string }[]; result?: unknown; text?: unknown }
    if (o.richText) return tidy(o.richText.map((t) => t.text).join(''))
    if ('result' in o) return tidy(o.result)
    if ('text' in o) return tidy(o.text)
    return ''
  }
  return tidy(v)
}

/**
 * `overrides` is the person's column mapping (see columns.ts): its keys name a column by header
 * text, letter or number, its values a field or null (不导入). It wins over the recognition of
 * headers, and with it a header nobody recognises still opens, so the person can map it.
 */
export async function readLedgerWorkbook(bytes: Buffer, overrides?: ColumnMapping): Promise<LedgerSheet> {
  const wb = new ExcelJS.Workbook()
  try {
    await wb.xlsx.load(bytes as unknown as ArrayBuffer)
  } catch {
    throw new WorkbookError('无法读取这个文件：请上传 Excel 工作簿（.xlsx）')
  }
  const ws = wb.worksheets.find((w) => w.actualRowCount > 0)
  if (!ws) throw new WorkbookError('工作簿是空的')
  const width = ws.columnCount
  const textRow = (r: number) => Array.from({ length: width }, (_, i) => cellText(ws.getRow(r).getCell(i + 1).value))
  const byText = new Map(Object.entries(overrides ?? {}).map(([k, f]) => [headerKey(k), f]))
  const fieldOf = (text: string) => (text && byText.has(headerKey(text)) ? byText.get(headerKey(text))! : fieldOfHeader(text))
  const score = (texts: string[]) => new Set(texts.map(fieldOf).filter((f) => f !== null)).size

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
  if (best < 3 && overrides) headerRow = widestRow(textRow, Math.min(HEADER_SEARCH_ROWS, ws.rowCount))
  else if (best < 3) throw new WorkbookError('找不到表头：前几行里应有“小区”“楼栋”“单元”“房号”“户主”等列名')
  const top = textRow(headerRow)
  // A second header row under it (sub-headers of merged cells) refines the columns it names.
  const below = headerRow < ws.rowCount ? textRow(headerRow + 1) : []
  const twoRows = score(below) >= 2 && below.filter((t) => t && !fieldOfHeader(t)).length <= 1
  const dataFrom = headerRow + (twoRows ? 2 : 1)

  const headers = Array.from({ length: width }, (_, c) => (twoRows && fieldOfHeader(below[c]) ? below[c] : top[c]) || (twoRows ? below[c] : ''))
  const chosen = resolveOverrides(overrides ?? {}, headers, twoRows ? [top, below] : [top])
  const explicit = new Set([...chosen.values()].filter((f) => f !== null))

  const mapping: LedgerSheet['mapping'] = []
  const ignoredColumns: string[] = []
  const columns: SheetColumn[] = []
  const taken = new Set<LedgerField>()
  for (let c = 0; c < width; c++) {
    const header = headers[c]
    let field: LedgerField | null
    if (chosen.has(c + 1)) field = chosen.get(c + 1)!
    else {
      // A field the person placed on another column is no longer this one's.
      field = fieldOfHeader(header)
      if (field && explicit.has(field)) field = null
    }
    if (field && taken.has(field)) field = null
    if (field) {
      taken.add(field)
      mapping.push({ column: c + 1, header, field })
    } else if (header && !ignoredColumns.includes(header)) ignoredColumns.push(header)
    if (header || chosen.has(c + 1)) columns.push({ column: c + 1, letter: columnLetter(c + 1), header, field })
  }

  const rows: LedgerSheet['rows'] = []
  for (let r = dataFrom; r <= ws.rowCount; r++) {
    const row = ws.getRow(r)
    const values: Partial<Record<LedgerField, string>> = {}
    let any = false
    for (const m of mapping) {
      const t = cellText(row.getCell(m.column).value)
      if (t) {
        values[m.field] = t
        any = true
      }
    }
    if (any) rows.push({ row: r, values })
  }
  return { mapping, ignoredColumns, columns, rows }
}

/** Without a recognised header, the first of the rows with the most distinct texts heads the sheet. */
function widestRow(textRow: (r: number) => string[], last: number): number {
  let row = 1
  let most = 0
  for (let r = 1; r <= last; r++) {
    const n = new Set(textRow(r).filter(Boolean)).size
    if (n > most) {
      most = n
      row = r
    }
  }
  return row
}

/**
 * The mapping's keys as column numbers: a header text first (as shown, or either row of a
 * two-row header), then a column letter (A, AB) or number (1-based). A key naming no column, or
 * two columns given the same field, is the person's mistake and answered as such.
 */
function resolveOverrides(overrides: ColumnMapping, headers: string[], headerRows: string[][]): Map<number, LedgerField | null> {
  const out = new Map<number, LedgerField | null>()
  const unknown: string[] = []
  for (const [key, field] of Object.entries(overrides)) {
    const k = headerKey(key)
    let index = headers.findIndex((h) => h && headerKey(h) === k)
    for (const texts of headerRows) if (index < 0) index = texts.findIndex((h) => h && headerKey(h) === k)
    if (index < 0 && /^[A-Za-z]{1,3}$/.test(k)) index = columnNumber(k) - 1
    if (index < 0 && /^\d{1,4}$/.test(k)) index = Number(k) - 1
    if (index < 0 || index >= headers.length) unknown.push(key)
    else out.set(index + 1, field)
  }
  if (unknown.length) throw new MappingError(`列映射里的列在表格中找不到：${unknown.map((k) => `“${k}”`).join('、')}（可写表头文字、列字母如 C 或列号如 3）`)
  const fields = [...out.values()].filter((f) => f !== null)
  const twice = fields.filter((f, i) => fields.indexOf(f) !== i)
  if (twice.length) throw new MappingError(`列映射把同一个字段给了多列：${[...new Set(twice)].map((f) => LEDGER_COLUMNS[f][0]).join('、')}`)
  return out
}

function columnNumber(letters: string): number {
  return [...letters.toUpperCase()].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0)
}

/** A mapping that does not fit the sheet (answered 400, unlike an unreadable file). */
export class MappingError extends Error {}
