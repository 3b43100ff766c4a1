/**
 * 台账导入 / 导出 (issue 11): a messy workbook as communities keep them — title row, merged
 * two-row header, full-width digits and spaces, blanks, duplicates, columns that are not ours —
 * answers the right rows; dry runs store nothing; imports are atomic and reach phones by pull;
 * export → import changes nothing; exports are audited.
 */
import { describe, expect, it } from 'vitest'
import ExcelJS from 'exceljs'
import type { FastifyInstance } from 'fastify'
import type { Database } from '../../server/db/adapter'
import { injectJson, login, testDatabases, useTestApp, type LoggedIn } from './helper'
import { NOW, consoleSession, type ConsoleFixture } from './consoleFixture'
import { XLSX_TYPE, multipart as upload } from './multipart'

const FW_SPACE = '\u3000'

async function messyWorkbook(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook()
  const ws = wb.addWorksheet('台账')
  ws.getCell('A1').value = '香港路社区居民信息台账（2026年）'
  ws.mergeCells('A1:K1')
  const top = ['序号', '户主姓名', '住址', '', '', '', '联系电话', '身份证号', '人员类别', '备注', '微信号']
  top.forEach((v, i) => v && (ws.getRow(2).getCell(i + 1).value = v))
  ws.mergeCells('C2:F2')
  for (const col of ['A', 'B', 'G', 'H', 'I', 'J', 'K']) ws.mergeCells(`${col}2:${col}3`)
  ;['小区', '楼栋', '单元', '房号'].forEach((v, i) => (ws.getRow(3).getCell(3 + i).value = v))
  const rows: (string | number | null)[][] = [
    /* 4 */ [1, `张三${FW_SPACE}`, '阳光花园', '１号楼', '２单元', '３０１', '１３８ ００１３ ８０００', '', '独居老人', '', 'zs001'],
    /* 5 */ [2, '李四', '阳光花园', '1号楼', '1单元', '101室', '', '', '', '', ''],
    /* 6 */ [],
    /* 7 */ [3, '王五', '新建小区', '5', '1', '502', '12345', '', '', '', ''],
    /* 8 */ [4, '', '阳光花园', '2号楼', 1, 202, '', '', '', '', ''],
    /* 9 */ [5, '张三', '阳光花园', '1号楼', '2', '301', '13800138000', '', '', '', ''],
    /* 10 */ [6, '赵六', '新建小区', '5号楼', 1, 601, '', '370285194001011230', '', '', ''],
    /* 11 */ [7, '钱七', '新建小区', '5', '2', 302, '13900001111', '', '高龄老人、独居老人', '子女在外地', ''],
    /* 12 */ [8, '孙八', '新建小区', '5', '1', '101', '', '', '外星人', '', ''],
    /* 13 */ [FW_SPACE, FW_SPACE, '', '', '', '', '', '', '', '', ''],
  ]
  rows.forEach((r, i) => r.forEach((v, c) => v !== null && v !== '' && (ws.getRow(4 + i).getCell(c + 1).value = v)))
  return Buffer.from(await wb.xlsx.writeBuffer())
}

const multipart = (bytes: Buffer, filename = 'ledger.xlsx', field = 'file') => upload(bytes, filename, field, XLSX_TYPE)

const EXPECTED_ERRORS = [
  { row: 7, column: '联系电话', message: expect.stringContaining('12345') },
  { row: 8, column: '户主姓名', message: '户主姓名为空' },
  { row: 10, column: '身份证号', message: expect.stringContaining('校验位') },
  { row: 12, column: '人员类别', message: expect.stringContaining('外星人') },
]

describe.each(testDatabases())('ledger import and export on $name', (tdb) => {
  let db: Database
  let app: FastifyInstance
  let fx: ConsoleFixture
  let boss: LoggedIn
  useTestApp(tdb, async (d, a) => {
    db = d
    app = a
    ;({ fx, boss } = await consoleSession(db, app))
  }, { app: { now: () => NOW } })

  const upload = (bytes: Buffer, query: string, who: LoggedIn = boss) => {
    const { payload, headers } = multipart(bytes)
    return injectJson(app, { method: 'POST', url: `/api/import/households?${query}`, payload, headers: { ...headers, ...who.headers } })
  }
  const count = async (entity: string) =>
    (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM records WHERE entity = $1', [entity])).rows[0].n

  it('a dry run reports the right rows and stores nothing', async () => {
    const before = { h: await count('households'), b: await count('buildings') }
    const res = await upload(await messyWorkbook(), `gridId=${fx.g1}&dryRun=1`)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ imported: 2, skipped: 2, buildingsCreated: 1, dryRun: true, ignoredColumns: ['序号', '微信号'] })
    expect(res.body.errors).toEqual(EXPECTED_ERRORS)
    expect(res.body.columns.map((c: { field: string }) => c.field)).toEqual(['headName', 'compound', 'building', 'unit', 'room', 'phone', 'idNumber', 'tags', 'notes'])
    expect({ h: await count('households'), b: await count('buildings') }).toEqual(before)
  })

  it('imports the good rows cleaned, creates the unknown building, reaches the worker by pull, and adds nothing the second time', async () => {
    const bytes = await messyWorkbook()
    const res = await upload(bytes, `gridId=${fx.g1}&dryRun=0`)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ imported: 2, skipped: 2, buildingsCreated: 1, dryRun: false })
    const { rows } = await db.query<{ data: Record<string, any> }>(`SELECT data FROM records WHERE entity = 'households' AND data->>'headName' IN ('张三', '钱七') ORDER BY data->>'headName'`)
    expect(rows).toHaveLength(2)
    const zhang = rows.find((r) => r.data.headName === '张三')!.data
    expect(zhang).toMatchObject({ unit: '2', room: '301', phone: '13800138000', tags: ['living_alone_elder'], buildingId: fx.buildings[0].id, gridId: fx.m1 })
    const qian = rows.find((r) => r.data.headName === '钱七')!.data
    expect(qian).toMatchObject({ tags: ['advanced_age', 'living_alone_elder'], notes: '子女在外地', gridId: fx.g1 })
    const building = (await db.query<{ data: Record<string, any> }>(`SELECT data FROM records WHERE entity = 'buildings' AND id = $1::uuid`, [qian.buildingId])).rows[0].data
    expect(building).toMatchObject({ compound: '新建小区', name: '5号楼', gridId: fx.g1, units: 2, floors: 3 })

    // The worker of grid 1 receives both through the normal change feed.
    const worker = await login(app, 'w1', fx.w1.password, 'w1-phone')
    const pulled = await injectJson(app, { method: 'GET', url: '/api/sync/pull?limit=1000', headers: worker.headers })
    const ids = pulled.body.changes.map((c: { id: string }) => c.id)
    expect(ids).toEqual(expect.arrayContaining([zhang.id, qian.id, building.id]))

    const again = await upload(bytes, `gridId=${fx.g1}&dryRun=0`)
    expect(again.body).toMatchObject({ imported: 0, skipped: 4, buildingsCreated: 0 })
    expect(again.body.errors).toEqual(EXPECTED_ERRORS)
    expect(await count('households')).toBe(6)

    const audit = await injectJson(app, { method: 'GET', url: '/api/audit?action=import_households', headers: boss.headers })
    expect(audit.body.entries).toHaveLength(2)
    expect(audit.body.entries[1]).toMatchObject({ userName: '张书记', detail: { imported: 2, skipped: 2, errors: 4, file: 'ledger.xlsx', gridId: fx.g1 } })
  })

  it('reports every problem of a row at once, gender and birth year checked against the ID number', async () => {
    const wb = new ExcelJS.Workbook()
    const ws = wb.addWorksheet('台账')
    ws.addRow(['户主姓名', '小区', '楼栋', '单元', '房号', '联系电话', '身份证号', '性别', '出生年份'])
    // 11010519491231002X: a valid ID of a woman born on 31 December 1949.
    ws.addRow(['', '阳光花园', '9号楼', 1, 101, '12345', '11010519491231002X', '男', 1950]) // row 2
    ws.addRow(['周九', '阳光花园', '9号楼', 1, 102, '', '', '女', 2090]) // row 3
    ws.addRow(['吴十', '阳光花园', '9号楼', 1, 103, '', '', 'M', '']) // row 4
    ws.addRow(['郑一', '阳光花园', '9号楼', 1, 104, '', '11010519491231002X', '女', '']) // row 5: fine
    const res = await upload(Buffer.from(await wb.xlsx.writeBuffer()), `gridId=${fx.g1}&dryRun=1`)
    expect(res.status).toBe(200)
    expect(res.body.errors).toEqual([
      { row: 2, column: '户主姓名', message: '户主姓名为空' },
      { row: 2, column: '联系电话', message: expect.stringContaining('12345') },
      { row: 2, column: '性别', message: '性别“男”与身份证号不一致（身份证号为女性）' },
      { row: 2, column: '出生年份', message: '出生年份“1950”与身份证号中的出生日期（1949年12月31日）不一致' },
      { row: 3, column: '出生年份', message: expect.stringContaining('出生年份“2090”不可能') },
      { row: 4, column: '性别', message: '性别“M”看不懂，请写 男 或 女' },
    ])
    expect(res.body.imported).toBe(1)
  })

  it('an import that fails midway leaves nothing behind', async () => {
    // The database refuses the second good row, after the first and the new building were written.
    await db.exec(`
      CREATE FUNCTION refuse_qian() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.data->>'headName' = '钱七' THEN RAISE EXCEPTION 'disk full'; END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER refuse_qian BEFORE INSERT ON records FOR EACH ROW EXECUTE FUNCTION refuse_qian();`)
    const before = { h: await count('households'), b: await count('buildings'), a: await count('users') }
    const res = await upload(await messyWorkbook(), `gridId=${fx.g1}&dryRun=0`)
    expect(res.status).toBe(500)
    expect(res.body.error).toBeDefined()
    expect({ h: await count('households'), b: await count('buildings'), a: await count('users') }).toEqual(before)
    const audit = await db.query(`SELECT 1 FROM audit_log WHERE action = 'import_households'`)
    expect(audit.rows).toHaveLength(0)
  })

  it('export is masked and audited, and importing it back changes nothing', async () => {
    await upload(await messyWorkbook(), `gridId=${fx.g1}&dryRun=0`)
    const res = await app.inject({ method: 'GET', url: `/api/export/households.xlsx?gridId=${fx.g1}`, headers: boss.headers })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toContain('spreadsheetml')
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer)
    const ws = wb.worksheets[0]
    expect(ws.getRow(1).values).toEqual(expect.arrayContaining(['小区', '楼栋', '单元', '房号', '户主', '联系电话', '身份证号']))
    const values = ws.getSheetValues().slice(2) as unknown[][]
    expect(values).toHaveLength(5)
    const phones = values.map((r) => r[6]).filter(Boolean)
    expect(phones.length).toBeGreaterThan(0)
    expect(phones.every((p) => String(p).includes('****'))).toBe(true)
    expect(JSON.stringify(values)).not.toContain('13800000000')

    const before = await db.query(`SELECT entity, id, hlc FROM records ORDER BY entity, id`)
    const back = await upload(res.rawPayload, `gridId=${fx.g1}&dryRun=0`)
    expect(back.body).toMatchObject({ imported: 0, skipped: 5, errors: [], buildingsCreated: 0 })
    expect((await db.query(`SELECT entity, id, hlc FROM records ORDER BY entity, id`)).rows).toEqual(before.rows)

    const audit = await injectJson(app, { method: 'GET', url: '/api/audit?action=export_households', headers: boss.headers })
    expect(audit.body.entries).toEqual([expect.objectContaining({ userId: fx.supervisor.id, action: 'export_households', detail: { gridId: fx.g1, rows: 5, masked: true } })])
  })

  it('refuses what it cannot read, and people who may not import', async () => {
    const notXlsx = await upload(Buffer.from('姓名,电话\n张三,138'), `gridId=${fx.g1}`)
    expect(notXlsx.status).toBe(422)
    expect(notXlsx.body).toEqual({ error: 'unreadable_workbook', message: expect.stringContaining('.xlsx') })
    const noFile = await injectJson(app, { method: 'POST', url: `/api/import/households?gridId=${fx.g1}`, headers: boss.headers, payload: {} })
    expect(noFile.status).toBe(400)
    const noGrid = await upload(await messyWorkbook(), '')
    expect(noGrid.status).toBe(400)
    const worker = await login(app, 'w1', fx.w1.password)
    expect((await upload(await messyWorkbook(), `gridId=${fx.g1}`, worker)).status).toBe(403)
    expect((await injectJson(app, { method: 'GET', url: '/api/export/households.xlsx', headers: worker.headers })).status).toBe(403)
  })
})
