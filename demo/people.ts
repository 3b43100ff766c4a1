/**
 * Synthetic residents: names, ages, contact data and household composition for the demo
 * ledger. Proportions follow the "银龄" community of the seed report (many elders, ~2.1 people
 * per household) and the tag shares of HOUSEHOLD_TAGS. Nothing here may look like real personal
 * data: phones use the 170/171 virtual-operator ranges and ID numbers are stored masked.
 */
import type { Member } from '../src/domain/entities'
import { HOUSEHOLD_TAG_CODES, type HouseholdTag } from '../src/domain/constants'
import { maskIdNumber } from '../src/domain/privacy'
import type { Rng } from './random'

type Gender = 'male' | 'female'

// Weighted by rough national frequency, with the surnames common on the Jiaodong peninsula
// (孙, 于, 姜, 鞠, 隋) weighted up.
const SURNAMES: readonly (readonly [string, number])[] = [
  ['王', 10], ['李', 9], ['张', 9], ['刘', 7], ['陈', 4], ['杨', 4], ['赵', 3], ['黄', 2], ['周', 2], ['吴', 2],
  ['徐', 2], ['孙', 3], ['胡', 1.5], ['朱', 1.5], ['高', 1.5], ['林', 1], ['何', 1], ['郭', 1.5], ['马', 1.5],
  ['于', 1.5], ['姜', 1.2], ['宋', 1], ['韩', 1], ['郑', 0.8], ['梁', 0.8], ['冯', 0.8], ['董', 0.8], ['曹', 0.8],
  ['吕', 0.6], ['唐', 0.6], ['程', 0.6], ['许', 0.6], ['崔', 0.6], ['贾', 0.5], ['丁', 0.5], ['魏', 0.5],
  ['苏', 0.5], ['谢', 0.5], ['罗', 0.5], ['薛', 0.4], ['袁', 0.4], ['卢', 0.4], ['蒋', 0.4], ['蔡', 0.4],
  ['邓', 0.4], ['鞠', 0.3], ['隋', 0.3], ['纪', 0.3], ['孔', 0.3], ['叶', 0.3], ['彭', 0.3], ['房', 0.2],
]

// Given names go with the generation, as they do in a real ledger.
const GIVEN: Record<'old' | 'middle' | 'young', Record<Gender, readonly string[]>> = {
  old: {
    male: ['建国', '国强', '志强', '德胜', '福林', '永财', '树林', '振华', '春生', '秀山', '玉林', '长顺', '学文', '宝山', '洪亮', '文德', '茂', '忠', '贵', '庆'],
    female: ['秀英', '桂兰', '玉兰', '淑珍', '凤英', '秀兰', '桂英', '玉珍', '淑兰', '秀珍', '素梅', '玉梅', '兰英', '桂芝', '春兰', '淑芬', '翠英', '凤芝', '秀云', '玉芳'],
  },
  middle: {
    male: ['伟', '强', '磊', '军', '勇', '杰', '涛', '斌', '建华', '海涛', '志刚', '鹏', '超', '明辉', '晓东', '建军', '立新', '永刚', '春雷', '海波'],
    female: ['丽', '静', '敏', '燕', '艳', '娟', '霞', '芳', '红梅', '丽娜', '晓燕', '海燕', '秀梅', '玉红', '雪梅', '丽萍', '金凤', '春燕', '晓丽', '婷'],
  },
  young: {
    male: ['浩然', '子轩', '宇航', '俊杰', '浩宇', '梓豪', '一鸣', '博文', '皓轩', '子墨', '宇轩', '天佑', '铭泽', '家豪', '睿', '晨阳', '奕辰', '沐阳', '嘉树', '明哲'],
    female: ['子涵', '梓萱', '欣怡', '雨涵', '诗涵', '可欣', '思雨', '一诺', '佳怡', '梦瑶', '雨桐', '语嫣', '若曦', '紫涵', '欣妍', '静怡', '梓涵', '佳琪', '安然', '书瑶'],
  },
}

/** 莱西市: where the residents are registered. */
export const LOCAL_REGION = '370285'
// Where floating residents come from: 平度, 临沂兰山, 临朐, 莘县, 郑州中原, 哈尔滨南岗.
const OTHER_REGIONS = ['370283', '371302', '370724', '371522', '410102', '230103']

export function surname(rng: Rng): string {
  return rng.weighted(SURNAMES)
}

export function otherSurname(rng: Rng, not: string): string {
  for (;;) {
    const s = surname(rng)
    if (s !== not) return s
  }
}

export function givenName(rng: Rng, gender: Gender, birthYear: number): string {
  const era = birthYear < 1965 ? 'old' : birthYear < 1990 ? 'middle' : 'young'
  return rng.pick(GIVEN[era][gender])
}

/** 11 digits in the 170/171 virtual-operator ranges: obviously demo numbers. */
export function fakePhone(rng: Rng): string {
  return `17${rng.int(0, 1)}${String(rng.int(0, 99_999_999)).padStart(8, '0')}`
}

/** GB 11643 check character (ISO 7064 MOD 11-2) of the first 17 digits. */
export function idCheckChar(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * weights[i]
  return '10X98765432'[sum % 11]
}

/**
 * An 18-digit resident ID number that is consistent (region, birth date, odd sequence for men,
 * check character) and then masked at once: the demo ledger never holds a full number.
 */
export function maskedIdNumber(rng: Rng, region: string, birthYear: number, gender: Gender): string {
  const mm = String(rng.int(1, 12)).padStart(2, '0')
  const dd = String(rng.int(1, 28)).padStart(2, '0')
  const seq = rng.int(0, 499) * 2 + (gender === 'male' ? 1 : 0)
  const first17 = `${region}${birthYear}${mm}${dd}${String(seq).padStart(3, '0')}`
  return maskIdNumber(first17 + idCheckChar(first17))
}

/** What the generator knows about a household before it becomes a record. */
export interface HouseholdDraft {
  members: Member[]
  tags: HouseholdTag[]
  phone: string
  health: string
  situation: string
  needs: string
  notes: string
  cadenceDays: number | null
}

/** Household shapes and their shares; together ~2.15 people per household. */
export type HouseholdKind =
  | 'aloneElder' | 'emptyNest' | 'single' | 'couple' | 'nuclear1' | 'singleParent' | 'nuclear2' | 'threeGen' | 'skipGen'

export const HOUSEHOLD_KINDS: readonly (readonly [HouseholdKind, number])[] = [
  ['aloneElder', 0.06], // = share of living_alone_elder
  ['emptyNest', 0.09], // = share of empty_nest_elder
  ['single', 0.23],
  ['couple', 0.22],
  ['nuclear1', 0.24],
  ['singleParent', 0.06],
  ['nuclear2', 0.04],
  ['threeGen', 0.05],
  ['skipGen', 0.01], // grandparents raising a left-behind child
]

/** Kinds whose flat may be rented out to tenants (elders living in their own flats are not). */
const RENTAL_KINDS = new Set<HouseholdKind>(['single', 'couple', 'nuclear1', 'singleParent', 'nuclear2'])
const RENTAL_ELIGIBLE_SHARE = 0.79
const RENTAL_SHARE = 0.1
/** Tenants who are registered elsewhere: 80 % of rentals → 8 % of households are floating. */
const FLOATING_GIVEN_RENTAL = 0.8

interface PersonSpec {
  relation: string
  gender: Gender
  age: number
  surname: string
}

interface Ctx {
  rng: Rng
  year: number
  region: string
}

function person(ctx: Ctx, spec: PersonSpec): Member {
  const { rng, year } = ctx
  const birthYear = year - Math.max(0, spec.age)
  // Children have no phone of their own; a part of the oldest residents neither.
  const hasPhone = spec.age >= 14 && !(spec.age >= 75 && rng.chance(0.5))
  return {
    name: spec.surname + givenName(rng, spec.gender, birthYear),
    relation: spec.relation,
    gender: spec.gender,
    birthYear,
    idNumber: maskedIdNumber(rng, ctx.region, birthYear, spec.gender),
    phone: hasPhone ? fakePhone(rng) : '',
    tags: [],
  }
}

const other = (g: Gender): Gender => (g === 'male' ? 'female' : 'male')
const clampAge = (a: number): number => Math.max(0, a)

/** Head, then spouse of the other gender and a slightly different age (or none). */
function headAndSpouse(ctx: Ctx, headAge: number, maleHeadShare: number, withSpouse = true): Member[] {
  const { rng } = ctx
  const gender: Gender = rng.chance(maleHeadShare) ? 'male' : 'female'
  const s = surname(rng)
  const head = person(ctx, { relation: '户主', gender, age: headAge, surname: s })
  if (!withSpouse) return [head]
  const spouseAge = clampAge(gender === 'male' ? headAge - rng.int(-1, 4) : headAge + rng.int(-1, 4))
  return [head, person(ctx, { relation: '配偶', gender: other(gender), age: spouseAge, surname: otherSurname(rng, s) })]
}

/** Children take the father's surname. */
function fatherSurname(members: Member[]): string {
  const father = members.find((m) => m.gender === 'male' && (m.relation === '户主' || m.relation === '配偶'))
  return (father ?? members[0]).name[0]
}

function child(ctx: Ctx, parents: Member[], relation = '子女', gap?: number): Member {
  const youngest = Math.min(...parents.map((p) => ctx.year - (p.birthYear ?? ctx.year)))
  const age = clampAge(youngest - (gap ?? ctx.rng.int(22, 34)))
  const gender: Gender = ctx.rng.chance(0.51) ? 'male' : 'female'
  return person(ctx, { relation, gender, age, surname: fatherSurname(parents) })
}

/** The people of a household of the given kind, head first. */
export function membersOf(ctx: Ctx, kind: HouseholdKind): Member[] {
  const { rng } = ctx
  switch (kind) {
    case 'aloneElder': {
      // Women outlive men; ~40 % of elders living alone are 80 or older.
      const age = rng.chance(0.4) ? rng.int(80, 95) : rng.int(65, 79)
      return headAndSpouse(ctx, age, 0.35, false)
    }
    case 'emptyNest': {
      const age = rng.chance(0.18) ? rng.int(80, 90) : rng.int(62, 79)
      const couple = headAndSpouse(ctx, age, 0.8)
      // Both partners count as elders: a younger spouse is lifted to 60.
      for (const m of couple) m.birthYear = Math.min(m.birthYear ?? ctx.year, ctx.year - 60)
      return couple
    }
    case 'single':
      return headAndSpouse(ctx, rng.int(20, 62), 0.55, false)
    case 'couple':
      return headAndSpouse(ctx, rng.int(23, 62), 0.75)
    case 'nuclear1': {
      const parents = headAndSpouse(ctx, rng.int(28, 55), 0.75)
      return [...parents, child(ctx, parents)]
    }
    case 'singleParent': {
      const parents = headAndSpouse(ctx, rng.int(30, 55), 0.3, false)
      return [...parents, child(ctx, parents)]
    }
    case 'nuclear2': {
      const parents = headAndSpouse(ctx, rng.int(30, 50), 0.75)
      const first = child(ctx, parents)
      return [...parents, first, child(ctx, parents, '子女', ctx.year - (first.birthYear ?? ctx.year) - rng.int(2, 8))]
    }
    case 'threeGen': {
      const headAge = rng.int(35, 55)
      const parents = headAndSpouse(ctx, headAge, 0.75)
      const elders: Member[] = []
      const headSurname = parents[0].name[0]
      const elderAge = headAge + rng.int(24, 32)
      if (rng.chance(0.4)) {
        elders.push(person(ctx, { relation: '父母', gender: 'male', age: elderAge, surname: headSurname }))
        elders.push(person(ctx, { relation: '父母', gender: 'female', age: elderAge - rng.int(0, 4), surname: otherSurname(rng, headSurname) }))
      } else {
        const g: Gender = rng.chance(0.65) ? 'female' : 'male'
        elders.push(person(ctx, { relation: '父母', gender: g, age: elderAge, surname: g === 'male' ? headSurname : otherSurname(rng, headSurname) }))
      }
      return [...parents, child(ctx, parents), ...elders]
    }
    case 'skipGen': {
      const grandparents = headAndSpouse(ctx, rng.int(58, 76), 0.5, rng.chance(0.6))
      const gender: Gender = rng.chance(0.5) ? 'male' : 'female'
      return [...grandparents, person(ctx, { relation: '孙子女', gender, age: rng.int(4, 14), surname: fatherSurname(grandparents) })]
    }
  }
}

const ageOf = (ctx: Ctx, m: Member): number => ctx.year - (m.birthYear ?? ctx.year)

function tagMember(m: Member, tag: HouseholdTag): void {
  if (!m.tags.includes(tag)) m.tags.push(tag)
}

/** Tags in the order of HOUSEHOLD_TAG_CODES, so records are stable and read the same everywhere. */
function ordered(tags: Iterable<HouseholdTag>): HouseholdTag[] {
  const set = new Set(tags)
  return HOUSEHOLD_TAG_CODES.filter((t) => set.has(t))
}

const TEXT = {
  elderHealth: ['高血压，规律服药', '糖尿病，需控制饮食', '腿脚不便，出行需拄拐', '身体尚可，生活能自理', '冠心病，随身带药', '听力下降，需大声交流', '脑梗后遗症，行动不便', '白内障术后，视力较差', '骨质疏松，曾在家中摔倒', '慢阻肺，冬季易发作'],
  disabledHealth: ['肢体残疾二级，使用轮椅', '视力残疾三级', '听力残疾四级，佩戴助听器', '智力残疾，由家人照料', '精神残疾，病情稳定，按时服药'],
  generalHealth: ['身体健康', '身体健康', '有慢性胃炎', '孕期，定期产检'],
  alone: ['独居，儿子在青岛市区工作，每周回来一次', '独居，女儿在外地，每天电话联系', '老伴去世后独居，子女在莱西城区', '独居，无子女，侄子偶尔照看'],
  emptyNest: ['老两口同住，子女在外地工作', '老两口同住，儿子在青岛，节假日回来', '老两口同住，女儿在国外'],
  subsistence: ['享受城市最低生活保障', '低保户，主要收入为低保金'],
  hardship: ['家中有重病患者，医疗支出大', '夫妻一方失业，收入不稳定', '两个孩子上学，家庭负担重'],
  rental: ['房屋出租，房主住城区其他小区', '房屋出租，已签租赁备案'],
  floating: ['租户在附近工厂务工', '外地来莱西务工人员，租住'],
  leftBehind: ['父母在外地打工，孩子随祖父母生活'],
  veteran: ['退役军人，已建立优待档案'],
  party: ['党员中心户，联系本楼栋居民'],
  keyPerson: ['列为重点关注对象，按要求定期走访'],
  elderNeeds: ['希望定期上门测量血压', '需要助餐服务', '希望安装扶手等适老化改造', '需要代购药品', '希望有人陪同就医', '希望帮助申请高龄补贴'],
  hardshipNeeds: ['希望了解临时救助政策', '需要就业帮扶信息', '希望帮孩子申请助学金'],
  disabledNeeds: ['需要辅具（轮椅）', '希望办理残疾人证年审'],
  childNeeds: ['希望孩子参加社区课后托管'],
  generalNeeds: ['楼道灯不亮，希望维修', '希望增加电动车充电桩', '反映楼上漏水'],
  notes: ['紧急联系人：子女', '已安装燃气报警器', '已签约家庭医生', '白天常在老年活动中心', '家中养犬，已登记'],
}

function joinSome(parts: string[]): string {
  return parts.filter(Boolean).join('；')
}

/**
 * A whole household draft: composition, tags (member tags where a tag belongs to a person, so
 * household tags agree with the members) and the 五清 texts, which are filled for tagged
 * households and mostly empty for the others, as in a real ledger.
 */
export function draftHousehold(rng: Rng, year: number): HouseholdDraft {
  const kind = rng.weighted(HOUSEHOLD_KINDS)
  const rental = RENTAL_KINDS.has(kind) && rng.chance(RENTAL_SHARE / RENTAL_ELIGIBLE_SHARE)
  const floating = rental && rng.chance(FLOATING_GIVEN_RENTAL)
  const ctx: Ctx = { rng, year, region: floating ? rng.pick(OTHER_REGIONS) : LOCAL_REGION }
  const members = membersOf(ctx, kind)
  const tags = new Set<HouseholdTag>()
  const adults = members.filter((m) => ageOf(ctx, m) >= 18)
  const oldest = members.reduce((a, b) => (ageOf(ctx, b) > ageOf(ctx, a) ? b : a))
  const hasElder = ageOf(ctx, oldest) >= 60

  const tag = (t: HouseholdTag, who: Member[] = []): void => {
    tags.add(t)
    for (const m of who) tagMember(m, t)
  }
  if (kind === 'aloneElder') tag('living_alone_elder', members)
  if (kind === 'emptyNest') tag('empty_nest_elder', members)
  const veryOld = members.filter((m) => ageOf(ctx, m) >= 80)
  if (veryOld.length) tag('advanced_age', veryOld)
  if (kind === 'skipGen') tag('left_behind_child', members.filter((m) => m.relation === '孙子女'))
  if (rental) tag('rental')
  if (floating) tag('floating', members)
  // Most party members of the seed community are over 60: elder households are likelier.
  if (adults.length && rng.chance(hasElder ? 0.24 : 0.08)) {
    const member = adults.reduce((a, b) => (ageOf(ctx, b) > ageOf(ctx, a) ? b : a))
    tag('party_member', [member])
    if (rng.chance(1 / 6)) tag('four_types_member', [member])
  }
  const veterans = adults.filter((m) => m.gender === 'male' && ageOf(ctx, m) >= 25)
  if (veterans.length && rng.chance(0.036)) tag('veteran', [rng.pick(veterans)])
  if (rng.chance(0.03)) tag('disabled', [hasElder && rng.chance(0.6) ? oldest : rng.pick(members)])
  if (rng.chance(0.02)) tag('subsistence')
  if (rng.chance(0.03)) tag('hardship')
  const keyCandidates = adults.filter((m) => ageOf(ctx, m) <= 60)
  if (keyCandidates.length && rng.chance(0.012)) tag('key_person', [rng.pick(keyCandidates)])

  const has = (t: HouseholdTag): boolean => tags.has(t)
  const elderly = has('living_alone_elder') || has('empty_nest_elder') || has('advanced_age')
  const health = joinSome([
    elderly ? rng.pick(TEXT.elderHealth) : '',
    has('disabled') ? rng.pick(TEXT.disabledHealth) : '',
    !elderly && !has('disabled') && rng.chance(0.15) ? rng.pick(TEXT.generalHealth) : '',
  ])
  const situation = joinSome([
    has('living_alone_elder') ? rng.pick(TEXT.alone) : '',
    has('empty_nest_elder') ? rng.pick(TEXT.emptyNest) : '',
    has('left_behind_child') ? rng.pick(TEXT.leftBehind) : '',
    has('subsistence') ? rng.pick(TEXT.subsistence) : '',
    has('hardship') ? rng.pick(TEXT.hardship) : '',
    has('rental') ? rng.pick(TEXT.rental) : '',
    has('floating') ? rng.pick(TEXT.floating) : '',
    has('veteran') ? TEXT.veteran[0] : '',
    has('key_person') ? TEXT.keyPerson[0] : '',
    has('party_member') && rng.chance(0.3) ? TEXT.party[0] : '',
  ])
  const needs = joinSome([
    elderly && rng.chance(0.4) ? rng.pick(TEXT.elderNeeds) : '',
    (has('subsistence') || has('hardship')) && rng.chance(0.5) ? rng.pick(TEXT.hardshipNeeds) : '',
    has('disabled') && rng.chance(0.4) ? rng.pick(TEXT.disabledNeeds) : '',
    has('left_behind_child') && rng.chance(0.5) ? TEXT.childNeeds[0] : '',
    tags.size === 0 && rng.chance(0.03) ? rng.pick(TEXT.generalNeeds) : '',
  ])
  let phone = members.find((m) => m.phone)?.phone ?? ''
  let notes = rng.chance(tags.size ? 0.3 : 0.03) ? rng.pick(TEXT.notes) : ''
  if (!phone) {
    // An elder without a mobile phone is reached through a child living elsewhere.
    phone = fakePhone(rng)
    notes = joinSome([notes, '联系电话为子女电话'])
  }
  // Most households follow their tags' cadence; the frailest elders get a closer one by hand.
  const cadenceDays = has('living_alone_elder') && has('advanced_age') && rng.chance(0.3) ? 3 : null
  for (const m of members) m.tags = ordered(m.tags)
  return { members, tags: ordered(tags), phone, health, situation, needs, notes, cadenceDays }
}

/** A worker or supervisor: an adult with a name and a (fake) phone. */
export function staffPerson(rng: Rng, year: number): { name: string; phone: string } {
  const gender: Gender = rng.chance(0.6) ? 'female' : 'male'
  const birthYear = year - rng.int(25, 52)
  return { name: surname(rng) + givenName(rng, gender, birthYear), phone: fakePhone(rng) }
}
