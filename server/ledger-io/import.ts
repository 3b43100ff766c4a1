/**
 * 台账导入: rows of a ledger workbook become households (and the buildings they name) of one grid.
 *
 *  1. Every non-blank row is checked: required columns (小区, 楼栋, 单元, 房号, 户主), then — for
 *     a row that is not a repeat — phone, ID number, 人员类别 and the household schema. Problems
 *     are answered per row `{row, column, message}` with the sheet's own row number.
 *  2. A row repeating an earlier row of the sheet, or a household already stored at the same
 *     place (building + unit + room, or the same address), is skipped, not doubled: importing the
 *     same workbook twice, or our own export, adds nothing.
 *  3. Unless it is a dry run, the good rows are written in ONE transaction through the server's
 *     record path (putWholeRecords: records + change feed), together with the audit entry, so the
 *     phones receive them with their next pull and a failure midway leaves nothing behind.
 */
import type { Database } from '../db/adapter'
import { HOUSEHOLD_TAGS, type HouseholdTag } from '../../src/domain/constants'
import { safeParseRecord, type Building, type Household, type Member } from '../../src/domain/entities'
import { formatHlc } from '../../src/domain/hlc'
import { uuidv7 } from '../../src/domain/ids'
import { putWholeRecords } from '../records'
import { audit } from '../repositories/audit'
import type { GridIndex } from '../supervisor/grids'
import { birthProblems, cleanBuilding, cleanRoom, cleanUnit, genderProblem, idBirthDate, idNumberProblem, yearOf, LEDGER_COLUMNS, phoneProblem, REQUIRED_FIELDS, type LedgerField } from './columns'
import type { LedgerSheet, SheetColumn } from './workbook'

export interface ImportError {
  row: number
  column?: string
  message: string
}

export interface ImportResult {
  imported: number
  skipped: number
  errors: ImportError[]
  buildingsCreated: number
  dryRun: boolean
  columns: { header: string; field: LedgerField }[]
  ignoredColumns: string[]
  /** Every column of the sheet with the field it was read as (null: not imported), for mapping. */
  sheetColumns: SheetColumn[]
  /** The first rows as they would be stored (values after cleaning), to check the mapping by eye. */
  preview: PreviewRow[]
}

export interface PreviewRow {
  row: number
  status: 'ok' | 'skipped' | 'error'
  values: Partial<Record<LedgerField, string>>
}

export const PREVIEW_ROWS = 20

const TAG_BY_LABEL = new Map<string, HouseholdTag>(HOUSEHOLD_TAGS.flatMap((t) => [[t.zh, t.code], [t.code, t.code]] as [string, HouseholdTag][]))

const placeKey = (compound: string, building: string, unit: string, room: string) => `${compound}|${building}|${unit}|${room}`

export async function importHouseholds(
  db: Database,
  index: GridIndex,
  sheet: LedgerSheet,
  opts: { gridId: string; dryRun: boolean; userId: string; now: number; fileName: string },
): Promise<ImportResult> {
  const subtree = index.subtree(opts.gridId)
  const { rows: buildingRows } = await db.query<{ data: Building }>(
    `SELECT data FROM records WHERE entity = 'buildings' AND NOT deleted AND grid_id = ANY($1::uuid[])`,
    [subtree],
  )
  const buildings = new Map(buildingRows.map((r) => [`${r.data.compound}|${r.data.name}`, r.data]))
  const buildingById = new Map(buildingRows.map((r) => [r.data.id, r.data]))
  const { rows: householdRows } = await db.query<{ building_id: string | null; unit: string; room: string; address: string }>(
    `SELECT data->>'buildingId' AS building_id, data->>'unit' AS unit, data->>'room' AS room, data->>'address' AS address
       FROM records WHERE entity = 'households' AND NOT deleted AND grid_id = ANY($1::uuid[])`,
    [subtree],
  )
  const seen = new Set<string>()
  for (const h of householdRows) {
    const b = h.building_id ? buildingById.get(h.building_id) : undefined
    if (b) seen.add(placeKey(b.compound, b.name, h.unit, h.room))
    seen.add(`address|${h.address}`)
  }

  const headerOf = (field: LedgerField) => sheet.mapping.find((m) => m.field === field)?.header ?? LEDGER_COLUMNS[field][0]
  const missingColumns = REQUIRED_FIELDS.filter((f) => !sheet.mapping.some((m) => m.field === f))
  const result: ImportResult = {
    imported: 0, skipped: 0, errors: [], buildingsCreated: 0, dryRun: opts.dryRun,
    columns: sheet.mapping.map((m) => ({ header: m.header, field: m.field })), ignoredColumns: sheet.ignoredColumns,
    sheetColumns: sheet.columns, preview: [],
  }
  if (missingColumns.length) {
    result.errors.push({ row: 0, message: `表格缺少必需的列：${missingColumns.map((f) => LEDGER_COLUMNS[f][0]).join('、')}` })
    return result
  }

  const hlc = formatHlc({ wall: opts.now, counter: 0, node: 'server' })
  const grid = index.byId.get(opts.gridId)!
  const newBuildings = new Map<string, Building>()
  const households: Household[] = []
  for (const { row, values } of sheet.rows) {
    const problems: ImportError[] = []
    // Cleaned as stored; the preview shows these, so the person sees what the import will write.
    const shown: Partial<Record<LedgerField, string>> = { ...values }
    const preview = (status: PreviewRow['status']) => {
      if (result.preview.length < PREVIEW_ROWS) result.preview.push({ row, status, values: shown })
    }
    // Every problem of the row at once, so one round of corrections fixes it: the empty required
    // cells and the wrong values alike.
    const missing = REQUIRED_FIELDS.filter((f) => !values[f])
    for (const f of missing) problems.push({ row, column: headerOf(f), message: `${headerOf(f)}为空` })
    // Digits typed in groups (138 0013 8000) are stored as one number, as the phones dial them.
    const phone = (values.phone ?? '').replace(/\s/g, '')
    const idNumber = (values.idNumber ?? '').toUpperCase()
    if (values.phone) shown.phone = phone
    if (values.idNumber) shown.idNumber = idNumber
    const phoneErr = phoneProblem(phone)
    if (phoneErr) problems.push({ row, column: headerOf('phone'), message: phoneErr })
    const idErr = idNumberProblem(idNumber)
    if (idErr) problems.push({ row, column: headerOf('idNumber'), message: idErr })
    const tags: HouseholdTag[] = []
    for (const label of (values.tags ?? '').split(/[、,，;；/ ]+/).filter(Boolean)) {
      const tag = TAG_BY_LABEL.get(label)
      if (tag) {
        if (!tags.includes(tag)) tags.push(tag)
      } else problems.push({ row, column: headerOf('tags'), message: `人员类别“${label}”不认识，可用：${HOUSEHOLD_TAGS.map((t) => t.zh).join('、')}` })
    }
    const genderErr = genderProblem(values.gender, idNumber)
    if (genderErr) problems.push({ row, column: headerOf('gender'), message: genderErr })
    for (const p of birthProblems(values.birthYear, idNumber, opts.now)) problems.push({ row, column: headerOf(p.field), message: p.message })
    // Problems found above leave the row out, so the year here is a possible one.
    const birthYear = yearOf(values.birthYear) ?? idBirthDate(idNumber)?.year ?? null
    if (missing.length) {
      result.errors.push(...problems)
      preview('error')
      continue
    }
    const compound = values.compound!
    const buildingName = cleanBuilding(values.building!)
    const unit = cleanUnit(values.unit!)
    const room = cleanRoom(values.room!)
    const address = values.address || `${compound} ${buildingName}${unit}单元${room}室`
    Object.assign(shown, { building: buildingName, unit, room })
    const key = placeKey(compound, buildingName, unit, room)
    if (seen.has(key) || seen.has(`address|${address}`)) {
      result.skipped++
      preview('skipped')
      continue
    }

    if (problems.length) {
      result.errors.push(...problems)
      preview('error')
      continue
    }

    const buildingKey = `${compound}|${buildingName}`
    let building = buildings.get(buildingKey) ?? newBuildings.get(buildingKey)
    if (!building) {
      building = {
        id: uuidv7(opts.now), hlc, deleted: false, gridId: opts.gridId, compound, name: buildingName,
        location: locationFor(grid.boundary, buildingRows.find((b) => b.data.compound === compound)?.data.location),
        footprint: null, units: 1, floors: 1,
      }
      newBuildings.set(buildingKey, building)
    }
    if (newBuildings.get(buildingKey) === building) {
      // A building we create is as tall and wide as the rows that live in it.
      building.units = Math.min(100, Math.max(building.units, Number.parseInt(unit, 10) || 1))
      building.floors = Math.min(200, Math.max(building.floors, Math.floor((Number.parseInt(room, 10) || 100) / 100)))
    }
    const head: Member = {
      name: values.headName!, relation: '户主', gender: genderOf(values.gender), birthYear,
      idNumber, phone, tags: [],
    }
    const candidate = {
      id: uuidv7(opts.now), hlc, deleted: false, gridId: building.gridId, buildingId: building.id, unit, room, address,
      headName: values.headName!, phone, members: [head], tags, health: values.health ?? '', situation: values.situation ?? '',
      needs: values.needs ?? '', notes: values.notes ?? '', cadenceDays: null,
    }
    const parsed = safeParseRecord('households', candidate)
    if (!parsed.ok) {
      result.errors.push({ row, message: `这一行不能保存：${parsed.message}` })
      preview('error')
      continue
    }
    preview('ok')
    seen.add(key)
    seen.add(`address|${address}`)
    households.push(parsed.record)
  }
  // Buildings first named by rows that all failed are not created.
  const used = new Set(households.map((h) => h.buildingId))
  const created = [...newBuildings.values()].filter((b) => used.has(b.id))
  result.imported = households.length
  result.buildingsCreated = created.length
  if (opts.dryRun) return result

  await db.transaction(async (tx) => {
    await putWholeRecords(tx, 'buildings', created)
    await putWholeRecords(tx, 'households', households)
    await audit(tx, opts.userId, 'import_households', {
      gridId: opts.gridId, file: opts.fileName, imported: result.imported, skipped: result.skipped,
      errors: result.errors.length, buildingsCreated: result.buildingsCreated,
    })
  })
  return result
}

function genderOf(v: string | undefined): Member['gender'] {
  return v === '男' ? 'male' : v === '女' ? 'female' : 'unknown'
}

/** Where a new building goes on the map: beside its compound's others, else the grid's centre. */
function locationFor(boundary: { coordinates: [number, number][][] } | null, near: [number, number] | undefined): [number, number] {
  if (near) return near
  const ring = boundary?.coordinates[0]
  if (!ring?.length) return [0, 0]
  const lng = ring.reduce((n, p) => n + p[0], 0) / ring.length
  const lat = ring.reduce((n, p) => n + p[1], 0) / ring.length
  return [Math.round(lng * 1e6) / 1e6, Math.round(lat * 1e6) / 1e6]
}
