/**
 * Source locale (简体中文). Nested keys kept sorted; every other locale mirrors this shape.
 * Feature strings live beside their feature in `*.messages.ts` (merged by src/app/i18n.ts).
 */
const zhCN = {
  account: {
    login: {
      errors: {
        invalid: '账号或密码错误',
        offline: '网络不可用，请联网后登录',
        required: '请填写账号和密码',
        server: '登录失败（错误 {status}），请稍后再试',
        throttled: '尝试次数过多，请稍后再试',
      },
      hint: '首次登录需要联网；登录后，没有信号也能照常使用。',
      password: '密码',
      passwordPlaceholder: '请输入密码',
      submit: '登录',
      subtitle: '社区网格员工作台',
      title: '满格',
      username: '账号',
      usernamePlaceholder: '请输入账号',
    },
    me: {
      account: '账号信息',
      device: '本机',
      deviceName: '设备名称',
      language: '语言',
      logout: '退出登录',
      logoutConfirm: '确定退出登录吗？退出后需要联网才能再次登录。',
      logoutConfirmButton: '退出',
      logoutPending: '还有 {count} 条记录未同步，退出后本机数据将被清除，这些记录将无法上传。确定退出？',
      name: '姓名',
      role: '角色',
      sync: '同步',
      title: '我的',
      username: '账号',
    },
    storage: {
      notPersisted: '未开启',
      persistHint: '浏览器在空间紧张时可能清除数据；安装到桌面后通常会开启。',
      persisted: '已开启',
      persistence: '持久存储',
      quota: '可用上限',
      title: '存储',
      unknown: '未知',
      usage: '已使用',
    },
  },
  common: {
    cancel: '取消',
    date: { choose: '请选择', confirm: '确定', cancel: '取消' },
    file: { choose: '选择文件', none: '未选择文件' },
    photos: {
      add: '拍照/选择照片',
      compressing: '正在压缩照片…',
      label: '照片',
      remove: '删除照片 {n}',
      thumb: '照片 {n}',
    },
  },
  issues: {
    title: '事件',
  },
  ledger: {
    count: '本机共有 {count} 户住户数据。',
    empty: '本机还没有住户数据，联网同步后显示。',
    title: '住户台账',
  },
  locale: {
    en: 'English',
    zhCN: '中文',
  },
  patrol: {
    empty: '今天还没有巡查记录。日日巡功能即将上线。',
    title: '巡查',
  },
  pwa: {
    later: '稍后',
    ready: '新版本可用',
    update: '立即更新',
    waiting: '正在填写的表单或进行中的巡查结束后自动更新，不会丢失内容。',
  },
  storage: {
    evicted: '手机存储空间不足：已清理 {photos} 张已上传的照片（{mb} MB）和 {tiles} 块地图缓存，联网后可重新获取。所有记录都已保留。',
    ok: '知道了',
  },
  shell: {
    nav: '主导航',
    tabs: {
      issues: '事件',
      ledger: '住户',
      me: '我的',
      patrol: '巡查',
      today: '今日',
    },
  },
  today: {
    greeting: '{name}，您好',
    households: '本机住户：{count} 户',
    title: '今日',
  },
}

export default zhCN
export type Messages = typeof zhCN
