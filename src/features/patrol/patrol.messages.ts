/**
 * Strings of the patrol feature (日日巡). `patrol.title` and `patrol.empty` live in the app
 * locales; the keys here must not repeat them.
 */
export default {
  'zh-CN': {
    patrol: {
      actions: {
        end: '结束巡查',
        endConfirm: '确定结束本次巡查吗？结束后将停止记录位置。',
        pause: '暂停',
        report: '上报事件',
        resume: '继续',
        start: '开始巡查',
      },
      checklist: {
        note: '情况说明',
        notePlaceholder: '发现了什么、在哪里',
        photo: '拍照',
        photos: '已拍 {n} 张',
        status: {
          na: '不适用',
          ok: '正常',
          problem: '有问题',
        },
        title: '巡查检查表',
      },
      errors: {
        noChecklist: '本机没有巡查检查表，请联网同步后再开始巡查。',
        noGrid: '你的账号还没有分配网格。',
      },
      gaps: {
        none: '轨迹连续，没有中断。',
        placeholder: '如：信号丢失、在楼内入户',
        reason: '中断原因',
        save: '保存说明',
        saved: '已保存',
        title: '轨迹中断 {from}–{to}',
      },
      report: {
        description: '描述',
        heading: '标题',
        level: '级别',
        submit: '提交',
        title: '上报事件',
        reported: '已上报事件：{title}',
      },
      stats: {
        live: '已记录 {points} 个位置点 · 途经楼栋 {passed}/{total} · {distance}',
      },
      summary: {
        answered: '检查项',
        coverage: '覆盖楼栋',
        distance: '里程',
        duration: '用时',
        gapsTitle: '轨迹中断',
        issues: '上报事件',
        problems: '发现问题',
        title: '巡查小结',
        track: '巡查轨迹',
        value: '{a} / {b}',
      },
      today: {
        done: '今日已巡',
        not_started: '今日未巡',
        running: '巡查中',
        title: '日日巡',
      },
      tracking: {
        denied: '未获得定位权限：请在浏览器设置中允许定位，才能记录巡查轨迹。',
        off: '未在巡查：不记录位置。',
        paused: '已暂停：暂停期间不记录位置。',
        tracking: '正在记录位置：仅在本次巡查期间记录，结束后即停止。',
        unavailable: '此设备不支持定位，无法记录轨迹。',
        wakeLock: '巡查期间屏幕保持常亮。',
      },
      grid: '巡查网格',
    },
  },
  en: {
    patrol: {
      actions: {
        end: 'End patrol',
        endConfirm: 'End this patrol? Location recording stops.',
        pause: 'Pause',
        report: 'Report an issue',
        resume: 'Resume',
        start: 'Start patrol',
      },
      checklist: {
        note: 'Note',
        notePlaceholder: 'What you found and where',
        photo: 'Photo',
        photos: '{n} photo(s)',
        status: {
          na: 'N/A',
          ok: 'OK',
          problem: 'Problem',
        },
        title: 'Patrol checklist',
      },
      errors: {
        noChecklist: 'No patrol checklist on this phone yet. Sync online, then start the patrol.',
        noGrid: 'Your account has no grid assigned yet.',
      },
      gaps: {
        none: 'The track has no gaps.',
        placeholder: 'e.g. signal lost, indoors on a visit',
        reason: 'Reason',
        save: 'Save note',
        saved: 'Saved',
        title: 'Gap in the track {from}–{to}',
      },
      report: {
        description: 'Description',
        heading: 'Title',
        level: 'Level',
        submit: 'Submit',
        title: 'Report an issue',
        reported: 'Issue reported: {title}',
      },
      stats: {
        live: '{points} positions recorded · buildings passed {passed}/{total} · {distance}',
      },
      summary: {
        answered: 'Checklist points',
        coverage: 'Buildings passed',
        distance: 'Distance',
        duration: 'Duration',
        gapsTitle: 'Gaps in the track',
        issues: 'Issues reported',
        problems: 'Problems found',
        title: 'Patrol summary',
        track: 'Patrol track',
        value: '{a} / {b}',
      },
      today: {
        done: 'Patrolled today',
        not_started: 'Not patrolled today',
        running: 'Patrol running',
        title: 'Daily patrol',
      },
      tracking: {
        denied: 'No location permission: allow location in the browser settings to record the track.',
        off: 'No patrol running: location is not recorded.',
        paused: 'Paused: location is not recorded while paused.',
        tracking: 'Recording location: only during this patrol; it stops when the patrol ends.',
        unavailable: 'This device offers no location; the track cannot be recorded.',
        wakeLock: 'The screen stays on during the patrol.',
      },
      grid: 'Grid to patrol',
    },
  },
}
