/**
 * Visible domain vocabulary. Codes travel on the wire and in the database; labels are shown
 * (zh-CN first, English second). Keep codes stable: records in the field refer to them.
 */
export interface Labelled<C extends string = string> {
  code: C
  zh: string
  en: string
}

/** Household tags (重点人群). `cadenceDays` is the default visit cadence the tag asks for. */
export interface HouseholdTagDef extends Labelled {
  cadenceDays?: number
  /** Share of households carrying the tag in the demo community. */
  share: number
}

export const HOUSEHOLD_TAGS = [
  { code: 'living_alone_elder', zh: '独居老人', en: 'Elder living alone', cadenceDays: 7, share: 0.06 },
  { code: 'empty_nest_elder', zh: '空巢老人', en: 'Empty-nest elder', cadenceDays: 14, share: 0.09 },
  { code: 'advanced_age', zh: '高龄老人', en: 'Advanced age (80+)', cadenceDays: 7, share: 0.05 },
  { code: 'disabled', zh: '残疾人', en: 'Person with disability', cadenceDays: 14, share: 0.03 },
  { code: 'subsistence', zh: '低保户', en: 'Subsistence allowance', cadenceDays: 30, share: 0.02 },
  { code: 'hardship', zh: '困难家庭', en: 'Family in hardship', cadenceDays: 30, share: 0.03 },
  { code: 'key_person', zh: '重点人员', en: 'Person of concern', cadenceDays: 7, share: 0.01 },
  { code: 'party_member', zh: '党员户', en: 'Party member household', share: 0.12 },
  { code: 'four_types_member', zh: '四类党员', en: 'Four-types party member', cadenceDays: 30, share: 0.02 },
  { code: 'floating', zh: '流动人口', en: 'Floating population', cadenceDays: 30, share: 0.08 },
  { code: 'rental', zh: '出租户', en: 'Rented out', cadenceDays: 30, share: 0.1 },
  { code: 'veteran', zh: '退役军人', en: 'Veteran', share: 0.03 },
  { code: 'left_behind_child', zh: '留守儿童', en: 'Left-behind child', cadenceDays: 30, share: 0.01 },
] as const satisfies readonly HouseholdTagDef[]

export type HouseholdTag = (typeof HOUSEHOLD_TAGS)[number]['code']
export const HOUSEHOLD_TAG_CODES = HOUSEHOLD_TAGS.map((t) => t.code) as [HouseholdTag, ...HouseholdTag[]]

export const ISSUE_CATEGORIES = [
  { code: 'fire_safety', zh: '消防安全', en: 'Fire safety' },
  { code: 'ebike_charging', zh: '电动车违规充电', en: 'Illegal e-bike charging' },
  { code: 'sanitation', zh: '环境卫生', en: 'Sanitation' },
  { code: 'illegal_construction', zh: '违章搭建', en: 'Illegal construction' },
  { code: 'public_facility', zh: '公共设施', en: 'Public facilities' },
  { code: 'public_security', zh: '治安隐患', en: 'Public security' },
  { code: 'neighbour_dispute', zh: '邻里纠纷', en: 'Neighbour dispute' },
  { code: 'property_service', zh: '物业服务', en: 'Property management' },
  { code: 'elder_care', zh: '养老服务', en: 'Elder care' },
  { code: 'social_assistance', zh: '社会救助', en: 'Social assistance' },
  { code: 'traffic_parking', zh: '交通停车', en: 'Traffic and parking' },
  { code: 'micro_wish', zh: '微心愿', en: 'Micro-wish' },
  { code: 'other', zh: '其他', en: 'Other' },
] as const satisfies readonly Labelled[]

export type IssueCategory = (typeof ISSUE_CATEGORIES)[number]['code']
export const ISSUE_CATEGORY_CODES = ISSUE_CATEGORIES.map((c) => c.code) as [IssueCategory, ...IssueCategory[]]

/** What kind of answer a checklist item takes. */
export const CHECKLIST_ITEM_KINDS = [
  { code: 'status', zh: '正常/问题/不适用', en: 'OK / problem / n.a.' },
  { code: 'yesno', zh: '是/否', en: 'Yes / no' },
  { code: 'text', zh: '文字', en: 'Text' },
  { code: 'number', zh: '数字', en: 'Number' },
  { code: 'choice', zh: '单选', en: 'Single choice' },
  { code: 'photo', zh: '照片', en: 'Photo' },
] as const satisfies readonly Labelled[]

export type ChecklistItemKind = (typeof CHECKLIST_ITEM_KINDS)[number]['code']
export const CHECKLIST_ITEM_KIND_CODES = CHECKLIST_ITEM_KINDS.map((k) => k.code) as [ChecklistItemKind, ...ChecklistItemKind[]]

export const VISIT_OUTCOMES = [
  { code: 'met', zh: '已见面', en: 'Met' },
  { code: 'absent', zh: '不在家', en: 'Not home' },
  { code: 'refused', zh: '拒绝', en: 'Refused' },
] as const satisfies readonly Labelled[]

/** "7135": micro-grid matters closed in 1 day, grid matters in 3, street matters in 5. */
export const ISSUE_LEVELS = [
  { code: 'micro', zh: '微网格', en: 'Micro-grid', deadlineDays: 1 },
  { code: 'grid', zh: '网格', en: 'Grid', deadlineDays: 3 },
  { code: 'street', zh: '街道', en: 'Street', deadlineDays: 5 },
] as const

/** "7135": arrive within 7 minutes of an urgent report. */
export const ARRIVAL_MINUTES = 7

export const ROLES = [
  { code: 'worker', zh: '网格员', en: 'Grid worker' },
  { code: 'supervisor', zh: '网格长', en: 'Supervisor' },
  { code: 'admin', zh: '管理员', en: 'Administrator' },
] as const satisfies readonly Labelled[]

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai'

/** Minutes a phone may sit out of sight before the app locks (issue 19), unless its community sets another (社区设置). */
export const DEFAULT_LOCK_MINUTES = 5

export function labelOf(list: readonly Labelled[], code: string, locale: 'zh-CN' | 'en' = 'zh-CN'): string {
  const item = list.find((l) => l.code === code)
  if (!item) return code
  return locale === 'en' ? item.en : item.zh
}
