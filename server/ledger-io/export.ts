/**
 * 导出台账: the households in the caller's scope (or one grid's subtree) as a workbook with the
 * headers our import reads, ID numbers and phones masked (DESIGN §5). The route writes the audit.
 */
import ExcelJS from 'exceljs'
import type { Queryable } from '../db/adapter'
import { HOUSEHOLD_TAGS, labelOf } from '../../src/domain/constants'
import type { Member } from '../../src/domain/entities'
import { maskIdNumber, maskPhone } from '../../src/domain/privacy'
import type { GridIndex } from '../supervisor/grids'
import { LEDGER_COLUMNS, type LedgerField } from './columns'

const EXPORTED: LedgerField[] = ['compound', 'building', 'unit', 'room', 'headName', 'phone', 'idNumber', 'gender', 'birthYear', 'tags', 'health', 'situation', 'needs', 'notes', 'address', 'grid']

interface Row {
  compound: string | null
  building: string | null
  unit: string
  room: string
  head_name: string
  phone: string
  head: Member | null
  tags: string[]
  health: string
  situation: string
  needs: string
  notes: string
  address: string
  grid_id: string
}

export async function exportHouseholds(db: Queryable, index: GridIndex, gridIds: string[] | null): Promise<{ bytes: Buffer; rows: number }> {
  const { rows } = await db.query<Row>(
    `SELECT b.data->>'compound' AS compound, b.data->>'name' AS building, h.data->>'unit' AS unit, h.data->>'room' AS room,
            h.data->>'headName' AS head_name, h.data->>'phone' AS phone, h.data->'members'->0 AS head,
            ARRAY(SELECT jsonb_array_elements_text(h.data->'tags')) AS tags,
            h.data->>'health' AS health, h.data->>'situation' AS situation, h.data->>'needs' AS needs, h.data->>'notes' AS notes,
            h.data->>'address' AS address, h.grid_id::text AS grid_id
       FROM records h
       LEFT JOIN records b ON b.entity = 'buildings' AND b.id = (h.data->>'buildingId')::uuid
      WHERE h.entity = 'households' AND NOT h.deleted AND ($1::uuid[] IS NULL OR h.grid_id = ANY($1::uuid[]))
      ORDER BY 1, 2, length(h.data->>'unit'), 3, length(h.data->>'room'), 4`,
    [gridIds],
  )
  const wb = new ExcelJS.Workbook()
  wb.creator = 'FullGrid 满格'
  const ws = wb.addWorksheet('居民信息台账')
  ws.addRow(EXPORTED.map((f) => LEDGER_COLUMNS[f][0])).font = { bold: true }
  ws.views = [{ state: 'frozen', ySplit: 1 }]
  for (const r of rows) {
    const gender = r.head?.gender === 'male' ? '男' : r.head?.gender === 'female' ? '女' : ''
    ws.addRow([
      r.compound ?? '', r.building ?? '', r.unit, r.room, r.head_name, r.phone ? maskPhone(r.phone) : '',
      r.head?.idNumber ? maskIdNumber(r.head.idNumber) : '', gender, r.head?.birthYear ?? '',
      r.tags.map((t) => labelOf(HOUSEHOLD_TAGS, t)).join('、'), r.health, r.situation, r.needs, r.notes, r.address,
      index.byId.get(r.grid_id)?.name ?? '',
    ])
  }
  // Numbers typed as text stay text (room 0301, ID numbers): the cells are written as strings.
  EXPORTED.forEach((f, i) => (ws.getColumn(i + 1).width = f === 'address' ? 48 : f === 'idNumber' ? 22 : 12))
  return { bytes: Buffer.from(await wb.xlsx.writeBuffer()), rows: rows.length }
}
