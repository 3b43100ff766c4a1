/**
 * Uploaded files of the administration (boundaries, building and staff sheets): one multipart
 * field `file`, read whole (they are small), and sheets as rows of text by their Chinese headings.
 */
import type { FastifyRequest } from 'fastify'
import ExcelJS from 'exceljs'
import { badRequest, HttpError } from '../errors'
import { cellText } from '../ledger-io/workbook'

export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024

export async function readUpload(request: FastifyRequest, what: string): Promise<{ bytes: Buffer; fileName: string }> {
  if (!request.isMultipart()) throw badRequest(`请以 multipart/form-data 上传${what}，文件放在 file 字段`)
  let bytes: Buffer | null = null
  let fileName = ''
  for await (const part of request.parts()) {
    if (part.type !== 'file') continue
    const b = await part.toBuffer().catch((err: unknown) => {
      if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw new HttpError(413, 'payload_too_large', `文件过大（上限 ${MAX_UPLOAD_BYTES / 1024 / 1024} MB）`)
      throw err
    })
    if (part.fieldname === 'file') {
      bytes = b
      fileName = part.filename
    }
  }
  if (!bytes || !bytes.length) throw badRequest(`没有收到文件：请选择${what}`)
  return { bytes, fileName }
}

export interface SheetRows {
  /** Headings as written, left to right. */
  headers: string[]
  /** Data rows with the sheet's own row numbers; values keyed by heading. */
  rows: { row: number; values: Record<string, string> }[]
}

const clean = (v: unknown) => String(v ?? '').replace(/\s+/g, ' ').trim()

/** RFC 4180 CSV: quoted fields, doubled quotes, commas and newlines inside quotes. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (ch === '"') quoted = false
      else field += ch
    } else if (ch === '"') quoted = true
    else if (ch === ',') {
      row.push(field)
      field = ''
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++
      row.push(field)
      rows.push(row)
      row = []
      field = ''
    } else field += ch
  }
  if (field || row.length) {
    row.push(field)
    rows.push(row)
  }
  return rows
}

/**
 * The first sheet of an .xlsx (or a .csv) as rows by heading. The heading row is the first of the
 * top ten that holds `required[0]` (a title row above it is common); blank rows are skipped.
 */
export async function readSheet(bytes: Buffer, fileName: string, required: readonly string[]): Promise<SheetRows> {
  let grid: string[][]
  if (/\.csv$/i.test(fileName)) {
    grid = parseCsv(bytes.toString('utf8').replace(/^\uFEFF/, '')).map((r) => r.map(clean))
  } else {
    const wb = new ExcelJS.Workbook()
    try {
      await wb.xlsx.load(bytes as unknown as ArrayBuffer)
    } catch {
      throw new HttpError(422, 'unreadable_workbook', '文件无法读取：请上传 .xlsx 或 .csv 表格')
    }
    const ws = wb.worksheets[0]
    if (!ws) throw new HttpError(422, 'unreadable_workbook', '表格里没有工作表')
    grid = []
    ws.eachRow({ includeEmpty: true }, (r, n) => {
      const cells: string[] = []
      r.eachCell({ includeEmpty: true }, (cell, col) => (cells[col - 1] = cellText(cell.value, clean)))
      grid[n - 1] = Array.from(cells, (c) => c ?? '')
    })
    grid = Array.from(grid, (r) => r ?? [])
  }
  const headerAt = grid.slice(0, 10).findIndex((r) => r.includes(required[0]))
  if (headerAt < 0) throw new HttpError(422, 'missing_columns', `表格里找不到标题行（应有列：${required.join('、')}）`)
  const headers = grid[headerAt]
  const missing = required.filter((h) => !headers.includes(h))
  if (missing.length) throw new HttpError(422, 'missing_columns', `表格缺少必需的列：${missing.join('、')}`)
  const rows: SheetRows['rows'] = []
  for (let i = headerAt + 1; i < grid.length; i++) {
    const r = grid[i]
    if (!r.some((v) => v)) continue
    const values: Record<string, string> = {}
    headers.forEach((h, c) => {
      if (h) values[h] = r[c] ?? ''
    })
    rows.push({ row: i + 1, values })
  }
  return { headers, rows }
}
