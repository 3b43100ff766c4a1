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
      firstDownload: {
        downloading: '正在下载住户数据…',
        empty: '本机还没有住户数据：您负责的网格中暂无住户。',
        label: '首次下载进度',
        offline: '本机还没有住户数据：离线，联网后自动下载您负责网格的住户。',
        progress: '正在下载住户数据：已接收 {received} 条',
        progressOf: '正在下载住户数据：{received} / {total} 条',
        starting: '本机还没有住户数据：正在准备首次下载…',
        waiting: '本机还没有住户数据：即将开始首次下载…',
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
      firstDownload: {
        downloading: 'Downloading households…',
        empty: 'No households on this device yet: none in your grids.',
        label: 'First download progress',
        offline: 'No households on this device yet: offline; they download once you are online.',
        progress: 'Downloading households: {received} received',
        progressOf: 'Downloading households: {received} / {total}',
        starting: 'No households on this device yet: preparing the first download…',
        waiting: 'No households on this device yet: the first download starts shortly…',
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
