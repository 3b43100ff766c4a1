/**
 * 台账导入 with a column mapping (issue 11): a workbook whose headers nobody recognises imports
 * right once the person maps its columns (by header text, letter or number); a column mapped to
 * null is left out; a mapping that does not fit answers 400 in Chinese; the dry run shows every
 * sheet column with its field and a cleaned preview of the rows, and stores nothing.
 */
import { describe, expect, it } from 'vitest'
import ExcelJS from 'exceljs'
import type { FastifyInstance } from 'fastify'
import type { Database } from '../../server/db/adapter'
import { LEDGER_COLUMNS } from '../../server/ledger-io/columns'
import { LEDGER_FIELDS } from '../../src/features/supervisor/supervisor.models'
import { injectJson, testDatabases, useTestApp, type LoggedIn } from './helper'
import { NOW, consoleSession, type ConsoleFixture } from './consoleFixture'
import { XLSX_TYPE, multipartForm, type FormPart } from './multipart'

const HEADER = ['院落', '幢', '单元', '室号', '户主名字', '本人手机', '备注', '微信号']

/** A title row, then a header of which only 单元 and 备注 are ours by name. */
async function oddWorkbook(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook()
  const ws = wb.addWorksheet('住户')
  ws.getCell('A1').value = '某某社区住户名册'
  ws.mergeCells('A1:H1')
  const rows: (string | number)[][] = [
    HEADER,
    /* 3 */ ['阳光花园', '１号楼', '２单元', '３０１', '张三', '138 0013 8000', '腿脚不便', 'zs001'],
    /* 4 */ ['新建小区', '7', '1', '101室', '周九', '', '子女在外地', ''],
    /* 5 */ ['新建小区', '7', '1', '102', '', '13900001111', '', ''],
  ]
  rows.forEach((r, i) => r.forEach((v, c) => v !== '' && (ws.getRow(2 + i).getCell(c + 1).value = v)))
  return Buffer.from(await wb.xlsx.writeBuffer())
}

/** The file parts are workbooks. */
const form = (parts: FormPart[]) => multipartForm(parts.map((p) => (p.filename ? { type: XLSX_TYPE, ...p } : p)))

// Header text, a column letter and a column number all name a column; 备注 is dropped on purpose.
const MAPPING = { 院落: 'compound', B: 'building', 4: 'room', 户主名字: 'headName', 本人手机: 'phone', 备注: null }

describe.each(testDatabases())('ledger import with a column mapping on $name', (tdb) => {
  let db: Database
  let app: FastifyInstance
  let fx: ConsoleFixture
  let boss: LoggedIn
  useTestApp(tdb, async (d, a) => {
    db = d
    app = a
    ;({ fx, boss } = await consoleSession(db, app))
  }, { app: { now: () => NOW } })

  const upload = async (query: string, mapping?: unknown, bytes?: Buffer) => {
    const parts: { name: string; value: string | Buffer; filename?: string }[] = []
    // The mapping may come before the file; the server reads both wherever they are.
    if (mapping !== undefined) parts.push({ name: 'mapping', value: typeof mapping === 'string' ? mapping : JSON.stringify(mapping) })
    parts.push({ name: 'file', value: bytes ?? (await oddWorkbook()), filename: 'odd.xlsx' })
    const { payload, headers } = form(parts)
    return injectJson(app, { method: 'POST', url: `/api/import/households?${query}`, payload, headers: { ...headers, ...boss.headers } })
  }
  const count = async (entity: string) =>
    (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM records WHERE entity = $1', [entity])).rows[0].n

  it('without a mapping the unrecognisable header is refused as before', async () => {
    const res = await upload(`gridId=${fx.g1}&dryRun=1`)
    expect(res.status).toBe(422)
    expect(res.body).toEqual({ error: 'unreadable_workbook', message: expect.stringContaining('找不到表头') })
  })

  it('the dry run returns the sheet columns with their fields and a cleaned preview, and stores nothing', async () => {
    const before = { h: await count('households'), b: await count('buildings') }
    const res = await upload(`gridId=${fx.g1}&dryRun=1`, MAPPING)
    expect(res.status).toBe(200)
    expect(res.body.sheetColumns).toEqual([
      { column: 1, letter: 'A', header: '院落', field: 'compound' },
      { column: 2, letter: 'B', header: '幢', field: 'building' },
      { column: 3, letter: 'C', header: '单元', field: 'unit' },
      { column: 4, letter: 'D', header: '室号', field: 'room' },
      { column: 5, letter: 'E', header: '户主名字', field: 'headName' },
      { column: 6, letter: 'F', header: '本人手机', field: 'phone' },
      { column: 7, letter: 'G', header: '备注', field: null },
      { column: 8, letter: 'H', header: '微信号', field: null },
    ])
    expect(res.body).toMatchObject({ dryRun: true, imported: 2, skipped: 0, buildingsCreated: 1 })
    expect(res.body.errors).toEqual([{ row: 5, column: '户主名字', message: '户主名字为空' }])
    expect(res.body.preview).toEqual([
      { row: 3, status: 'ok', values: { compound: '阳光花园', building: '1号楼', unit: '2', room: '301', headName: '张三', phone: '13800138000' } },
      { row: 4, status: 'ok', values: { compound: '新建小区', building: '7号楼', unit: '1', room: '101', headName: '周九' } },
      { row: 5, status: 'error', values: { compound: '新建小区', building: '7', unit: '1', room: '102', phone: '13900001111' } },
    ])
    expect({ h: await count('households'), b: await count('buildings') }).toEqual(before)
  })

  it('imports the mapped rows right and leaves the column mapped to null out', async () => {
    const res = await upload(`gridId=${fx.g1}&dryRun=0`, MAPPING)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ dryRun: false, imported: 2, skipped: 0 })
    const { rows } = await db.query<{ data: Record<string, any> }>(
      `SELECT data FROM records WHERE entity = 'households' AND data->>'headName' IN ('张三', '周九') ORDER BY data->>'headName'`,
    )
    const zhang = rows.find((r) => r.data.headName === '张三')!.data
    const zhou = rows.find((r) => r.data.headName === '周九')!.data
    // 阳光花园 1号楼 is the fixture's building; 2单元301 is not yet one of its households.
    expect(zhang).toMatchObject({ buildingId: fx.buildings[0].id, unit: '2', room: '301', phone: '13800138000', notes: '' })
    expect(zhou).toMatchObject({ unit: '1', room: '101', phone: '', notes: '', gridId: fx.g1 })
    const building = (await db.query<{ data: Record<string, any> }>(`SELECT data FROM records WHERE entity = 'buildings' AND id = $1::uuid`, [zhou.buildingId])).rows[0].data
    expect(building).toMatchObject({ compound: '新建小区', name: '7号楼' })

    // Without the null, 备注 is recognised by its name and imported.
    const withNotes = await upload(`gridId=${fx.g1}&dryRun=1`, { ...MAPPING, 备注: undefined, 户主名字: 'headName' })
    expect(withNotes.body.sheetColumns.find((c: { header: string }) => c.header === '备注').field).toBe('notes')
    expect(withNotes.body.skipped).toBe(2)
  })

  it('a mapping overrides a recognised header: the field moves to the column it names', async () => {
    // 单元 is recognised by name; mapping 微信号 to unit takes the field from it.
    const res = await upload(`gridId=${fx.g1}&dryRun=1`, { ...MAPPING, H: 'unit' })
    expect(res.status).toBe(200)
    const fields = Object.fromEntries(res.body.sheetColumns.map((c: { header: string; field: string | null }) => [c.header, c.field]))
    expect(fields).toMatchObject({ 单元: null, 微信号: 'unit' })
    expect(res.body.preview[0].values.unit).toBe('zs001')
  })

  it('a bad mapping answers 400 with a Chinese message and stores nothing', async () => {
    const before = await count('households')
    const unknownField = await upload(`gridId=${fx.g1}&dryRun=0`, { ...MAPPING, 户主名字: 'wechat' })
    expect(unknownField.status).toBe(400)
    expect(unknownField.body).toEqual({ error: 'invalid_request', message: expect.stringContaining('“wechat”不是台账字段') })
    const unknownColumn = await upload(`gridId=${fx.g1}&dryRun=0`, { ...MAPPING, 出生地: 'notes', Z: 'needs' })
    expect(unknownColumn.status).toBe(400)
    expect(unknownColumn.body).toEqual({ error: 'invalid_mapping', message: expect.stringContaining('“出生地”、“Z”') })
    const twice = await upload(`gridId=${fx.g1}&dryRun=0`, { ...MAPPING, 本人手机: 'headName' })
    expect(twice.status).toBe(400)
    expect(twice.body.message).toContain('同一个字段给了多列：户主')
    const notJson = await upload(`gridId=${fx.g1}&dryRun=0`, '{院落: compound')
    expect(notJson.status).toBe(400)
    expect(notJson.body.message).toContain('不是有效的 JSON')
    const notObject = await upload(`gridId=${fx.g1}&dryRun=0`, ['compound'])
    expect(notObject.status).toBe(400)
    expect(notObject.body.message).toContain('列映射应是一个对象')
    expect(await count('households')).toBe(before)
  })

  it('a required column mapped to 不导入 is reported as missing, and nothing is imported', async () => {
    const res = await upload(`gridId=${fx.g1}&dryRun=0`, { ...MAPPING, 户主名字: null })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ imported: 0, errors: [{ row: 0, message: expect.stringContaining('缺少必需的列：户主') }] })
    expect(res.body.sheetColumns.find((c: { letter: string }) => c.letter === 'E').field).toBeNull()
  })

  it('the UI offers exactly the fields the server knows', () => {
    expect([...LEDGER_FIELDS].sort()).toEqual(Object.keys(LEDGER_COLUMNS).sort())
  })
})
