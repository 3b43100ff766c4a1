/** Strings of the supervisor console (merged into the app's messages by src/app/i18n.ts). */
export default {
  'zh-CN': {
    supervisor: {
      title: '网格长控制台',
      menu: { tracks: '轨迹回放', daily: '日日巡', coverage: '走访覆盖', issues: '事件督办', weekly: '周报', ledger: '台账' },
      toApp: '返回手机版',
      offline: '无法连接服务器，控制台需要联网。',
      loading: '正在读取…',
      common: { grid: '网格', worker: '网格员', day: '日期', week: '周', month: '月份', all: '全部网格', show: '查看', none: '没有数据' },
      tracks: {
        by: '按', byWorker: '网格员', byGrid: '网格', choose: '请选择',
        none: '这一天没有巡查记录。',
        coverage: '覆盖', buildings: '经过楼栋 {n}/{total}', checklist: '检查项 {n}/{total}', problems: '发现问题 {n} 项',
        duration: '用时', distance: '距离', points: '定位点',
        stops: '停留 {n} 处', gaps: '无定位 {n} 段', gapNote: '{from}–{to} 无定位：{reason}', gapNoNote: '未说明',
        pins: '走访和事件', visit: '走访', issue: '事件', replay: '回放', play: '播放', pause: '暂停',
      },
      daily: { from: '从', to: '至', patrolled: '已巡', missing: '未巡', gaps: '未巡 {n} 天', by: '{names}', coverage: '检查项覆盖 {p}' },
      coverage: {
        period: '周期', byWeek: '本周', byMonth: '本月', due: '应访', visited: '已访', notVisited: '未访', overdue: '逾期', households: '户数', visits: '走访次数',
        rate: '走访率', grids: '按网格', workers: '按网格员', overdueList: '逾期未访（重点人群优先）', special: '重点', lastVisit: '上次走访', never: '从未走访', daysOverdue: '逾期 {n} 天',
        map: '楼栋走访覆盖', chart: '各网格应访户数：已访与未访（逾期另列）',
        col: {
          household: '住户（户主 · 地址）', tags: '人员类别', lastVisit: '上次走访时间', daysOverdue: '逾期天数',
          due: '应访户数', visited: '已访户数', notVisited: '未访户数', overdue: '逾期户数', rate: '走访率',
          gridsDue: '所辖网格应访户数', gridsVisited: '所辖网格已访户数', ownHouseholds: '本人走访户数', ownVisits: '本人走访次数',
        },
      },
      issues: {
        open: '未办结', all: '全部', status: '状态', deadline: '期限', level: '级别', overdue: '已超时', onTimeRate: '按时办结率（7135）', rating: '平均满意度',
        ratings: '{n} 条评价', title: '事件', reported: '上报', assignee: '承办人', dispatch: '派单', rate: '评价', close: '销号',
        statuses: { none: '待上报', reported: '待派单', assigned: '已派单', accepted: '处理中', resolved: '已办结', rated: '已评价', closed: '已销号' },
      },
      weekly: {
        title: '周报（周周清）', print: '打印', download: '下载 Excel', found: '发现事件', closed: '办结销号', stillOpen: '仍未办结', byCategory: '事件分类',
        category: '类别', visits: '走访', met: '已见面', absent: '不在家', refused: '拒绝', door: '入户', phone: '电话', patrols: '巡查覆盖', daysPatrolled: '巡查天数', patrolCount: '巡查次数',
      },
      ledger: {
        import: '台账导入', file: '选择 Excel 文件（.xlsx）', grid: '导入到网格', dryRun: '预检（不保存）', run: '导入', export: '导出台账（已脱敏）',
        result: '可导入 {imported} 户，跳过重复 {skipped} 户，新建楼栋 {buildings} 栋，有问题 {errors} 行', saved: '已导入 {imported} 户，手机同步后可见',
        row: '行', column: '列', message: '问题', columns: '识别的列', ignored: '未使用的列', audit: '导出与导入记录', who: '人员', when: '时间', what: '操作',
        actions: { export_households: '导出台账', import_households: '导入台账' },
        confirm: '确定把“{file}”导入到{grid}吗？', confirmChecked: '预检：可导入 {imported} 户，有问题的 {errors} 行不会导入。', confirmUnchecked: '尚未预检，建议先预检。',
        log: {
          file: '文件', rows: '户数与行数', allGrids: '全部网格', masked: '，已脱敏', other: '其他操作', unknownUser: '已停用的账号', exportFile: '居民信息台账.xlsx',
          exported: '导出 {n} 户', imported: '导入 {n} 户', skipped: '跳过重复 {n} 户', buildings: '新建楼栋 {n} 栋', errors: '有问题 {n} 行', sep: '，',
        },
        mapping: '列对应（可改，改后重新预检）', sheetColumn: '表格列', header: '表头', importAs: '导入为', notImported: '不导入',
        preview: '预览（前 {n} 行，清理后的值）', errors: '逐行问题', status: { ok: '可导入', skipped: '重复，跳过', error: '有问题' },
        fields: {
          compound: '小区', building: '楼栋', unit: '单元', room: '房号', headName: '户主', phone: '联系电话', idNumber: '身份证号', gender: '性别',
          birthYear: '出生年份', tags: '人员类别', health: '健康状况', situation: '家庭情况', needs: '诉求', notes: '备注', address: '地址', grid: '网格',
        },
      },
    },
  },
  en: {
    supervisor: {
      title: 'Supervisor console',
      menu: { tracks: 'Track replay', daily: 'Daily patrols', coverage: 'Visit coverage', issues: 'Issue supervision', weekly: 'Weekly report', ledger: 'Ledger' },
      toApp: 'Back to the phone app',
      offline: 'Cannot reach the server; the console needs a connection.',
      loading: 'Loading…',
      common: { grid: 'Grid', worker: 'Worker', day: 'Day', week: 'Week', month: 'Month', all: 'All grids', show: 'Show', none: 'No data' },
      tracks: {
        by: 'By', byWorker: 'worker', byGrid: 'grid', choose: 'Choose',
        none: 'No patrol on this day.',
        coverage: 'Coverage', buildings: 'Buildings passed {n}/{total}', checklist: 'Checklist {n}/{total}', problems: '{n} problems found',
        duration: 'Duration', distance: 'Distance', points: 'Fixes',
        stops: '{n} stops', gaps: '{n} gaps', gapNote: '{from}–{to} no fix: {reason}', gapNoNote: 'not explained',
        pins: 'Visits and issues', visit: 'Visit', issue: 'Issue', replay: 'Replay', play: 'Play', pause: 'Pause',
      },
      daily: { from: 'From', to: 'to', patrolled: 'Patrolled', missing: 'Not patrolled', gaps: '{n} days missed', by: '{names}', coverage: 'Checklist {p}' },
      coverage: {
        period: 'Period', byWeek: 'Week', byMonth: 'Month', due: 'Due', visited: 'Visited', notVisited: 'Not visited', overdue: 'Overdue', households: 'Households', visits: 'Visits',
        rate: 'Visit rate', grids: 'By grid', workers: 'By worker', overdueList: 'Overdue (special groups first)', special: 'Special', lastVisit: 'Last visit', never: 'Never visited', daysOverdue: '{n} days overdue',
        map: 'Visit coverage by building', chart: 'Households due per grid: visited and not visited (overdue beside)',
        col: {
          household: 'Household (head · address)', tags: 'Groups', lastVisit: 'Last visited', daysOverdue: 'Days overdue',
          due: 'Households due', visited: 'Households visited', notVisited: 'Households not visited', overdue: 'Households overdue', rate: 'Visit rate',
          gridsDue: 'Due in their grids', gridsVisited: 'Visited in their grids', ownHouseholds: 'Households they visited', ownVisits: 'Visits they made',
        },
      },
      issues: {
        open: 'Open', all: 'All', status: 'Status', deadline: 'Deadline', level: 'Level', overdue: 'Overdue', onTimeRate: 'On-time rate (7135)', rating: 'Average satisfaction',
        ratings: '{n} ratings', title: 'Issue', reported: 'Reported', assignee: 'Assignee', dispatch: 'Dispatch', rate: 'Rate', close: 'Close',
        statuses: { none: 'Not reported', reported: 'To dispatch', assigned: 'Dispatched', accepted: 'In progress', resolved: 'Resolved', rated: 'Rated', closed: 'Closed' },
      },
      weekly: {
        title: 'Weekly report', print: 'Print', download: 'Download Excel', found: 'Issues found', closed: 'Closed', stillOpen: 'Still open', byCategory: 'By category',
        category: 'Category', visits: 'Visits', met: 'Met', absent: 'Not home', refused: 'Refused', door: 'Door', phone: 'Phone', patrols: 'Patrol coverage', daysPatrolled: 'Days patrolled', patrolCount: 'Patrols',
      },
      ledger: {
        import: 'Import the ledger', file: 'Choose an Excel file (.xlsx)', grid: 'Into grid', dryRun: 'Check (saves nothing)', run: 'Import', export: 'Export the ledger (masked)',
        result: '{imported} households to import, {skipped} repeats skipped, {buildings} new buildings, {errors} rows with problems', saved: '{imported} households imported; phones get them with their next sync',
        row: 'Row', column: 'Column', message: 'Problem', columns: 'Columns recognised', ignored: 'Columns not used', audit: 'Exports and imports', who: 'Who', when: 'When', what: 'What',
        actions: { export_households: 'Ledger export', import_households: 'Ledger import' },
        confirm: 'Import “{file}” into {grid}? ', confirmChecked: 'Check: {imported} households can be imported; the {errors} rows with problems are left out.', confirmUnchecked: 'Not checked yet; check first.',
        log: {
          file: 'File', rows: 'Households and rows', allGrids: 'all grids', masked: ', masked', other: 'Other action', unknownUser: 'Disabled account', exportFile: '居民信息台账.xlsx',
          exported: '{n} households exported', imported: '{n} households imported', skipped: '{n} duplicates skipped', buildings: '{n} buildings created', errors: '{n} rows with problems', sep: ', ',
        },
        mapping: 'Column mapping (change it and the check runs again)', sheetColumn: 'Sheet column', header: 'Header', importAs: 'Import as', notImported: 'Do not import',
        preview: 'Preview (first {n} rows, cleaned values)', errors: 'Problems by row', status: { ok: 'Ready', skipped: 'Repeat, skipped', error: 'Problem' },
        fields: {
          compound: 'Compound', building: 'Building', unit: 'Unit', room: 'Room', headName: 'Head of household', phone: 'Phone', idNumber: 'ID number', gender: 'Gender',
          birthYear: 'Birth year', tags: 'Groups', health: 'Health', situation: 'Family situation', needs: 'Needs', notes: 'Notes', address: 'Address', grid: 'Grid',
        },
      },
    },
  },
}
