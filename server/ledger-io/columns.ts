/**
 * The columns of the household ledger (居民信息台账) as communities head them in their own
 * workbooks, and the cleaning of what a person typed: full-width digits and spaces (NFKC),
 * "3单元" for 3, "301室" for 301. The first alias of each field is the header our export writes,
 * so an exported workbook imports again unchanged.
 */
import { z } from 'zod'

export const LEDGER_COLUMNS = {
  compound: ['小区', '小区名称', '所在小区', '小区名'],
  building: ['楼栋', '楼号', '楼栋号', '楼座', '楼'],
  unit: ['单元', '单元号'],
  room: ['房号', '房间号', '门牌号', '户号', '室', '房屋号'],
  headName: ['户主', '户主姓名', '姓名', '户主名'],
  phone: ['联系电话', '电话', '手机', '手机号', '手机号码', '联系方式'],
  idNumber: ['身份证号', '身份证号码', '公民身份号码', '身份证'],
  gender: ['性别'],
  birthYear: ['出生年份', '出生年', '出生年月', '出生日期'],
  tags: ['人员类别', '重点人群', '标签', '特殊人群', '人群类别'],
  health: ['健康状况', '健康情况'],
  situation: ['家庭情况', '家庭状况'],
  needs: ['诉求', '诉求需求', '需求'],
  notes: ['备注'],
  address: ['地址', '住址', '详细地址', '家庭住址'],
  // Written by our export for the reader; the grid of an import is the one chosen on upload.
  grid: ['网格', '所属网格'],
} as const

export type LedgerField = keyof typeof LEDGER_COLUMNS
export const REQUIRED_FIELDS: readonly LedgerField[] = ['compound', 'building', 'unit', 'room', 'headName']

/** NFKC folds full-width digits, letters and the ideographic space; runs of space become one. */
export function clean(value: unknown): string {
  if (value === null || value === undefined) return ''
  return String(value).normalize('NFKC').replace(/\s+/g, ' ').trim()
}

/** A header cell as a lookup key: no spaces, no required-marks, no notes in brackets. */
export function headerKey(value: unknown): string {
  return clean(value).replace(/[\s*:：]/g, '').replace(/[(（].*?[)）]$/, '')
}

const BY_HEADER = new Map<string, LedgerField>(
  (Object.entries(LEDGER_COLUMNS) as [LedgerField, readonly string[]][]).flatMap(([field, names]) => names.map((n) => [n, field] as [string, LedgerField])),
)

const FIELD_CODES = Object.keys(LEDGER_COLUMNS) as [LedgerField, ...LedgerField[]]

/**
 * The person's column mapping sent with an import (multipart field `mapping`): a column named by
 * its header text, letter (C) or number (3) → the ledger field it holds, or null for 不导入.
 */
export const columnMappingSchema = z.record(
  z.string().trim().min(1, { error: '列名不能为空' }).max(100, { error: '列名太长' }),
  z.enum(FIELD_CODES, {
    error: (issue) => `“${String(issue.input)}”不是台账字段，可用：${FIELD_CODES.map((f) => `${f}（${LEDGER_COLUMNS[f][0]}）`).join('、')}，或 null 表示不导入`,
  }).nullable(),
  { error: '列映射应是一个对象：{"表头或列字母": "字段" 或 null}' },
)
export type ColumnMapping = z.infer<typeof columnMappingSchema>

/** Column number (1-based) as the sheet shows it: 1 → A, 28 → AB. */
export function columnLetter(n: number): string {
  let s = ''
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s
  return s
}

export function fieldOfHeader(value: unknown): LedgerField | null {
  return BY_HEADER.get(headerKey(value)) ?? null
}

export const cleanUnit = (v: string) => v.replace(/单元$/, '').trim()
export const cleanRoom = (v: string) => v.replace(/[室号]$/, '').trim()
/** "3" → 3号楼; names with their own suffix (3号楼, 3栋, A座) stay. */
export const cleanBuilding = (v: string) => (/^\d+$/.test(v) ? `${v}号楼` : v)

// The phone rule is the domain's: the console's people administration uses it too.
export { phoneProblem } from '../../src/domain/phone'

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const ID_CHECK = '10X98765432'

/** 18-digit resident ID with its check character (GB 11643). */
export function idNumberProblem(v: string): string | null {
  if (!v) return null
  if (!/^\d{17}[\dX]$/.test(v)) return `身份证号“${v}”应为 18 位（最后一位可为 X）`
  const sum = ID_WEIGHTS.reduce((n, w, i) => n + w * Number(v[i]), 0)
  if (ID_CHECK[sum % 11] !== v[17]) return `身份证号“${v}”校验位不对，请核对`
  return null
}

/** The year of a 出生年份 cell: 1950, 1950-03, 1950年3月, 1950.03.02; null when unreadable. */
export function yearOf(v: string | undefined): number | null {
  const m = v ? /^(\d{4})(?:[-./年]\d{1,2}.*)?$/.exec(v) : null
  return m ? Number(m[1]) : null
}

/** The birth date written in an 18-digit ID number (digits 7–14), null when it is not a real date. */
export function idBirthDate(idNumber: string): { year: number; month: number; day: number } | null {
  const m = /^\d{6}(\d{4})(\d{2})(\d{2})\d{3}[\dX]$/.exec(idNumber)
  if (!m) return null
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const d = new Date(Date.UTC(year, month - 1, day))
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day ? { year, month, day } : null
}

/** The oldest birth year the ledger accepts; nobody in it was born before. */
export const MIN_BIRTH_YEAR = 1900

/**
 * 出生年份 and the ID number's birth date: each a possible year (not in the future, not before
 * 1900), and the two agreeing when both are given. `now` is the import's clock (its year is the
 * last possible one). Every problem found, not only the first.
 */
export function birthProblems(raw: string | undefined, idNumber: string, now: number): { field: 'birthYear' | 'idNumber'; message: string }[] {
  const thisYear = new Date(now).getUTCFullYear()
  const problems: { field: 'birthYear' | 'idNumber'; message: string }[] = []
  const year = yearOf(raw)
  if (raw && year === null) problems.push({ field: 'birthYear', message: `出生年份“${raw}”看不懂，请写成 1950 或 1950-03` })
  else if (year !== null && (year < MIN_BIRTH_YEAR || year > thisYear)) problems.push({ field: 'birthYear', message: `出生年份“${raw}”不可能，应在 ${MIN_BIRTH_YEAR}–${thisYear} 年之间` })
  if (/^\d{17}[\dX]$/.test(idNumber)) {
    const born = idBirthDate(idNumber)
    if (!born || born.year < MIN_BIRTH_YEAR || Date.UTC(born.year, born.month - 1, born.day) > now) {
      problems.push({ field: 'idNumber', message: `身份证号“${idNumber}”中的出生日期不存在，请核对` })
    } else if (year !== null && year !== born.year) {
      problems.push({ field: 'birthYear', message: `出生年份“${raw}”与身份证号中的出生日期（${born.year}年${born.month}月${born.day}日）不一致` })
    }
  }
  return problems
}

/** 性别 is 男 or 女 (or empty), and agrees with the ID number's 17th digit (odd: male) when both are given. */
export function genderProblem(v: string | undefined, idNumber: string): string | null {
  if (!v) return null
  if (v !== '男' && v !== '女') return `性别“${v}”看不懂，请写 男 或 女`
  if (/^\d{17}[\dX]$/.test(idNumber)) {
    const fromId = Number(idNumber[16]) % 2 === 1 ? '男' : '女'
    if (fromId !== v) return `性别“${v}”与身份证号不一致（身份证号为${fromId}性）`
  }
  return null
}
