/**
 * Why the server refused a mutation, as a code with parameters (DESIGN §4: "rejected with a
 * reason"). The code travels on the wire; the phone shows the Chinese text (English second), so a
 * worker reads 已由 张伟 接单 and not an English sentence made on the server. `reason` on the wire
 * stays an English sentence for scripts and logs.
 *
 * Adding a code: add it here with both texts; placeholders are `{name}` and are filled from
 * `params`. Keep codes stable: rejected entries on phones refer to them.
 */
import { z } from 'zod'

export const REJECTION_TEXTS = {
  invalid: { zh: '记录内容有误：{detail}', en: 'The record is not valid: {detail}' },
  clock_ahead: { zh: '手机时间比服务器快了 10 分钟以上，请校准手机时间后重试', en: "The phone's clock is more than 10 minutes ahead of the server; set the time and try again" },
  device_mismatch: { zh: '这条修改不是本设备记录的', en: 'This change was not stamped by this device' },
  mutation_reused: { zh: '同一修改编号已用于另一项内容，本次修改未保存', en: 'This change id was already used for different content; the change was not saved' },
  role: { zh: '您的角色不能修改{entity}', en: 'Your role cannot change {entity}' },
  immutable: { zh: '{entity}保存后不能修改：{fields}', en: '{entity} cannot change after saving: {fields}' },
  out_of_scope: { zh: '该记录不在您负责的网格内', en: 'This record is outside your grids' },
  removed_from_scope: { zh: '该记录已移出您负责的网格，这项修改没有保存', en: 'This record has left your grids; the change was not saved' },
  handed_over: {
    zh: '网格“{grid}”已交接给 {to}，这项修改是交接之后做的，没有保存（可请 {to} 处理）',
    en: 'Grid “{grid}” was handed over to {to}; this change was made after that and was not saved (ask {to})',
  },
  grid_removed: {
    zh: '网格“{grid}”已不再由您负责，这项修改是调整之后做的，没有保存',
    en: 'Grid “{grid}” is no longer yours; this change was made after that and was not saved',
  },
  not_author: { zh: '不能以他人的名义记录', en: 'You cannot record in someone else’s name' },
  unknown_reference: { zh: '关联的{entity}不存在或不在您的网格内', en: 'The linked {entity} does not exist or is outside your grids' },
  missing_blob: { zh: '照片尚未上传到服务器，请稍后再同步', en: 'A photo has not reached the server yet; sync again' },
  event_not_allowed: { zh: '您不能对该事件执行“{action}”', en: 'You may not {action} this issue' },
  event_wrong_state: { zh: '事件当前为“{status}”，不能“{action}”', en: 'The issue is {status}; it cannot be {action}' },
  event_time: { zh: '事件时间不合理：{detail}', en: 'The event time is not valid: {detail}' },
  already_accepted: { zh: '已由 {name} 接单', en: 'Already accepted by {name}' },
  storage: { zh: '服务器无法保存这项修改，请稍后再试', en: 'The server could not store this change; try again later' },
  unstorable: { zh: '服务器无法保存这项内容（含有无法保存的字符或数值）：{detail}', en: 'The server cannot store this content: {detail}' },
  unknown_record: { zh: '服务器上没有这条{entity}记录', en: 'The server does not know this {entity} record' },
  append_only: { zh: '{entity}只能新增，不能删除', en: '{entity} can only be added, not deleted' },
  delete_not_allowed: { zh: '只有上报人或网格长可以删除事件', en: 'Only the reporter or a supervisor can delete an issue' },
  campaign_closed: { zh: '专项排查“{title}”已关闭，这条记录是关闭之后做的，没有保存', en: 'The campaign “{title}” was closed; this record was made after that and was not saved' },
  campaign_unknown: { zh: '这项专项排查不存在、未发布或不在您的网格内', en: 'This campaign does not exist, is not published, or is outside your grids' },
  event_invalid: { zh: '事件流程不允许这一步：{detail}', en: 'This step does not fit the issue: {detail}' },
} as const satisfies Record<string, { zh: string; en: string }>

export type RejectionCode = keyof typeof REJECTION_TEXTS
export const rejectionCodeSchema = z.enum(Object.keys(REJECTION_TEXTS) as [RejectionCode, ...RejectionCode[]])
export const rejectionParamsSchema = z.record(z.string(), z.union([z.string(), z.number()]))
export type RejectionParams = z.infer<typeof rejectionParamsSchema>

/** Entity names on the wire, as a person reads them in a rejection's `{entity}`. */
export const ENTITY_LABELS: Record<string, { zh: string; en: string }> = {
  grids: { zh: '网格', en: 'grids' },
  buildings: { zh: '楼栋', en: 'buildings' },
  households: { zh: '住户', en: 'households' },
  visits: { zh: '走访', en: 'visits' },
  patrols: { zh: '巡查', en: 'patrols' },
  trackSegments: { zh: '巡查轨迹', en: 'patrol tracks' },
  issues: { zh: '事件', en: 'issues' },
  issueEvents: { zh: '事件进展', en: 'issue steps' },
  checklists: { zh: '检查清单', en: 'checklists' },
  users: { zh: '用户', en: 'users' },
  campaigns: { zh: '专项排查', en: 'campaigns' },
  campaignTargets: { zh: '排查对象', en: 'campaign targets' },
}

/** The text a person reads for a rejection; unknown codes (a newer server) fall back to `reason`. */
export function describeRejection(
  r: { code?: string; params?: RejectionParams; reason?: string },
  locale: 'zh' | 'en' = 'zh',
): string {
  const texts = r.code ? (REJECTION_TEXTS as Record<string, { zh: string; en: string }>)[r.code] : undefined
  if (!texts) return r.reason ?? (locale === 'zh' ? '服务器拒绝了这项修改' : 'The server refused this change')
  return texts[locale].replace(/\{(\w+)\}/g, (_, k: string) => {
    const value = String(r.params?.[k] ?? '')
    return k === 'entity' ? (ENTITY_LABELS[value]?.[locale] ?? value) : value
  })
}
