/**
 * Strings of the issues feature (merged into the app's messages by src/app/i18n.ts).
 * `issues.title` lives in the app locales; the keys here must not repeat it.
 */
export default {
  'zh-CN': {
    issues: {
      due: {
        at: '{time} 前办结',
        overdue: '已超时',
      },
      errors: {
        failed: '保存失败：{message}',
        invalid: '未保存：{fields}填写不正确。（{detail}）',
        noGrid: '你的账号还没有分配网格，暂时不能上报事件。',
        notLoggedIn: '登录已失效，请重新登录。',
      },
      field: {
        category: '类别',
        description: '描述',
        descriptionPlaceholder: '发生了什么、在哪里、涉及哪些居民',
        grid: '网格',
        level: '级别',
        source: '来源',
        title: '标题',
        titlePlaceholder: '一句话说明事件',
        titleRequired: '请填写标题',
      },
      form: {
        back: '返回',
        cancel: '取消',
        confirm: '确定',
        deadlineHint: '按“7135”要求，{level}事项 {days} 天内办结',
        saved: '已保存在本机，联网后自动上传',
        submit: '提交',
        title: '上报事件',
      },
      list: {
        limited: '仅显示最近 {n} 条事件。',
        loading: '正在读取本机事件…',
        none: '本机还没有事件记录。点击“上报事件”记录居民反映或巡查发现的问题。',
        report: '上报事件',
        reportedAt: '上报于 {time}',
      },
      source: {
        patrol: '巡查发现',
        resident: '居民反映',
      },
      status: {
        accepted: '处理中',
        assigned: '已派单',
        closed: '已办结',
        none: '未上报',
        rated: '已评价',
        reported: '待派单',
        resolved: '已解决',
      },
      sync: {
        pending: '待同步',
        rejected: '需处理',
        synced: '已同步',
      },
    },
  },
  en: {
    issues: {
      due: {
        at: 'Close by {time}',
        overdue: 'Overdue',
      },
      errors: {
        failed: 'Not saved: {message}',
        invalid: 'Not saved: {fields} not filled in correctly. ({detail})',
        noGrid: 'Your account has no grid assigned yet, so you cannot report issues.',
        notLoggedIn: 'Your login has expired. Please log in again.',
      },
      field: {
        category: 'Category',
        description: 'Description',
        descriptionPlaceholder: 'What happened, where, which residents',
        grid: 'Grid',
        level: 'Level',
        source: 'Source',
        title: 'Title',
        titlePlaceholder: 'The issue in one sentence',
        titleRequired: 'Please enter a title',
      },
      form: {
        back: 'Back',
        cancel: 'Cancel',
        confirm: 'OK',
        deadlineHint: '"7135": {level} matters are closed within {days} day(s)',
        saved: 'Saved on this phone; it uploads when online',
        submit: 'Submit',
        title: 'Report an issue',
      },
      list: {
        limited: 'Showing the latest {n} issues only.',
        loading: 'Reading issues on this phone…',
        none: 'No issues on this phone yet. Tap "Report an issue" to record a resident’s request or a patrol finding.',
        report: 'Report an issue',
        reportedAt: 'Reported {time}',
      },
      source: {
        patrol: 'Patrol finding',
        resident: 'Resident request',
      },
      status: {
        accepted: 'In progress',
        assigned: 'Dispatched',
        closed: 'Closed',
        none: 'Not reported',
        rated: 'Rated',
        reported: 'Awaiting dispatch',
        resolved: 'Resolved',
      },
      sync: {
        pending: 'Not synced',
        rejected: 'Needs attention',
        synced: 'Synced',
      },
    },
  },
}
