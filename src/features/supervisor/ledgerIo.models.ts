/**
 * 导出与导入记录 in words: each audit entry as who, what, which file and how many rows — never
 * its raw `detail` object. The server writes `detail` (server/ledger-io): for an export
 * `{gridId, rows, masked}`, for an import `{gridId, file, imported, skipped, errors,
 * buildingsCreated}`; anything missing or of another shape is left out rather than guessed.
 */
import type { AuditEntry } from './supervisor.models'

/** vue-i18n's `t` and `te`, passed in so the words are testable without a component. */
export interface Words {
  t(key: string, named?: Record<string, unknown>): string
  te(key: string): boolean
}

export interface AuditRow {
  who: string
  what: string
  file: string
  rows: string
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null)
const str = (v: unknown): string => (typeof v === 'string' ? v : '')

export function auditRow(entry: AuditEntry, gridName: (id: string) => string, { t, te }: Words): AuditRow {
  const d = entry.detail ?? {}
  const grid = str(d.gridId) ? gridName(str(d.gridId)) : ''
  const scope = grid || t('supervisor.ledger.log.allGrids')
  const actionKey = `supervisor.ledger.actions.${entry.action}`
  const action = te(actionKey) ? t(actionKey) : t('supervisor.ledger.log.other')
  const who = entry.userName || t('supervisor.ledger.log.unknownUser')

  if (entry.action === 'export_households') {
    const rows = num(d.rows)
    return {
      who,
      what: `${action}（${scope}${d.masked === true ? t('supervisor.ledger.log.masked') : ''}）`,
      file: t('supervisor.ledger.log.exportFile'),
      rows: rows === null ? '' : t('supervisor.ledger.log.exported', { n: rows }),
    }
  }
  if (entry.action === 'import_households') {
    const parts = [
      num(d.imported) !== null ? t('supervisor.ledger.log.imported', { n: num(d.imported) }) : '',
      num(d.skipped) ? t('supervisor.ledger.log.skipped', { n: num(d.skipped) }) : '',
      num(d.buildingsCreated) ? t('supervisor.ledger.log.buildings', { n: num(d.buildingsCreated) }) : '',
      num(d.errors) ? t('supervisor.ledger.log.errors', { n: num(d.errors) }) : '',
    ].filter(Boolean)
    return { who, what: `${action}（${scope}）`, file: str(d.file), rows: parts.join(t('supervisor.ledger.log.sep')) }
  }
  // Administration (issue 18): the server writes names beside ids, so the entry reads in words.
  const adminKey = `supervisor.ledger.adminActions.${entry.action.replace(/\./g, '_')}`
  if (te(adminKey)) {
    const names = [str(d.community), str(d.grid), str(d.name), str(d.compound) && `${str(d.compound)} ${str(d.name)}`].filter(Boolean)
    const subject = [...new Set(names)].slice(0, 2).join(' ')
    const changes = Array.isArray(d.changes) ? d.changes.filter((c): c is string => typeof c === 'string') : []
    const handover = Array.isArray(d.from) && str(d.to) ? [`${(d.from as unknown[]).map(str).filter(Boolean).join('、') || '—'} → ${str(d.to)}`] : []
    const counts = [
      num(d.created) !== null ? t('supervisor.ledger.log.created', { n: num(d.created) }) : '',
      num(d.updated) ? t('supervisor.ledger.log.updated', { n: num(d.updated) }) : '',
      num(d.households) ? t('supervisor.ledger.log.households', { n: num(d.households) }) : '',
      num(d.movedHouseholds) ? t('supervisor.ledger.log.households', { n: num(d.movedHouseholds) }) : '',
      num(d.buildings) ? t('supervisor.ledger.log.buildingCount', { n: num(d.buildings) }) : '',
      num(d.openIssues) ? t('supervisor.ledger.log.openIssues', { n: num(d.openIssues) }) : '',
      num(d.rows) !== null ? t('supervisor.ledger.log.sheetRows', { n: num(d.rows) }) : '',
    ].filter(Boolean)
    const detail = [subject, ...handover, ...changes].filter(Boolean).join(t('supervisor.ledger.log.sep'))
    return { who, what: detail ? `${t(adminKey)}（${detail}）` : t(adminKey), file: str(d.file), rows: counts.join(t('supervisor.ledger.log.sep')) }
  }
  return { who, what: action, file: '', rows: '' }
}
