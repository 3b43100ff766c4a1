/** Strings of the shared grid map. */
export default {
  'zh-CN': {
    map: {
      households: '{n} 户',
      label: '网格地图',
      schematic: '示意图：未配置底图，仅显示网格边界、楼栋和轨迹。',
      state: {
        done: '已走访',
        due: '待走访',
        overdue: '逾期未访',
      },
    },
  },
  en: {
    map: {
      households: '{n} households',
      label: 'Grid map',
      schematic: 'Schematic: no base map configured; grid boundaries, buildings and tracks only.',
      state: {
        done: 'Visited',
        due: 'Due',
        overdue: 'Overdue',
      },
    },
  },
}
