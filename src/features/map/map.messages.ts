/** Strings of the shared grid map. */
export default {
  'zh-CN': {
    map: {
      end: '终点',
      here: '您在这里',
      households: '{n} 户',
      label: '网格地图',
      loadingDrawing: '正在打开绘图工具…',
      picked: '选定的位置',
      schematic: '示意图：未配置底图，仅显示网格边界、楼栋和轨迹。',
      share: { high: '已访八成以上', low: '已访不足五成', mid: '已访五至八成', none: '本期无应访' },
      start: '起点',
      state: {
        done: '已走访',
        due: '待走访',
        overdue: '逾期未访',
      },
      stopped: '停留 {n} 分钟',
      zoomIn: '放大',
      zoomOut: '缩小',
    },
  },
  en: {
    map: {
      end: 'End',
      here: 'You are here',
      households: '{n} households',
      label: 'Grid map',
      loadingDrawing: 'Opening the drawing tools…',
      picked: 'Chosen place',
      schematic: 'Schematic: no base map configured; grid boundaries, buildings and tracks only.',
      share: { high: '80 % or more visited', low: 'Under 50 % visited', mid: '50–80 % visited', none: 'None due' },
      start: 'Start',
      state: {
        done: 'Visited',
        due: 'Due',
        overdue: 'Overdue',
      },
      stopped: 'Stopped {n} min',
      zoomIn: 'Zoom in',
      zoomOut: 'Zoom out',
    },
  },
}
