/** Strings of 今日 (merged by src/app/i18n.ts); the app locales hold today.title and today.greeting. */
export default {
  'zh-CN': {
    today: {
      due: {
        all: '全部 {n}',
        due: '今日应访 {n}',
        label: '今日应访住户',
        loading: '正在计算今日应访…',
        none: '今天没有应访或逾期的住户。',
        overdue: '逾期 {n}',
        overdueDays: '逾期{n}天',
        today: '今日到期',
      },
      issues: {
        overdue: '逾期事件 {n} 件',
      },
      sync: {
        last: '最近同步：{time}',
        never: '最近同步：尚无',
        pending: '待同步：{n} 条',
      },
    },
  },
  en: {
    today: {
      due: {
        all: 'All {n}',
        due: 'Due today {n}',
        label: 'Households due today',
        loading: 'Working out who is due…',
        none: 'No household is due or overdue today.',
        overdue: 'Overdue {n}',
        overdueDays: '{n} days overdue',
        today: 'Due today',
      },
      issues: {
        overdue: 'Overdue issues: {n}',
      },
      sync: {
        last: 'Last sync: {time}',
        never: 'Last sync: never',
        pending: 'Pending sync: {n}',
      },
    },
  },
}
