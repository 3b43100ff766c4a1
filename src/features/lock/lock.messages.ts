/** Strings of the PIN screens (merged into the app's messages by src/app/i18n.ts). */
export default {
  'zh-CN': {
    lock: {
      pin: 'PIN码',
      repeatPin: '确认PIN码',
      pinPlaceholder: '6位数字',
      set: {
        title: '设置PIN码',
        text: '本机保存的居民信息将用PIN码加密。每次打开应用、或离开超过 {minutes} 分钟后，需要输入PIN码解锁。',
        submit: '设置PIN码',
        working: '正在加密本机数据…',
      },
      unlock: {
        title: '输入PIN码',
        text: '{name}，请输入PIN码解锁',
        submit: '解锁',
        forgot: '忘记PIN码',
        forgotText: '忘记PIN码只能退出登录后重新登录，本机数据将被清除{unsynced}。',
        forgotUnsynced: '，其中 {count} 条记录尚未同步，将会丢失',
        forgotConfirm: '退出并重新登录',
      },
      problems: {
        format: 'PIN码须为6位数字',
        weak: 'PIN码太简单（如 111111、123456），请换一个',
        mismatch: '两次输入的PIN码不一致',
      },
      notices: {
        wrong: 'PIN码错误，还可尝试 {remaining} 次',
        lastTry: 'PIN码错误。再错一次将清除本机全部数据，其中 {unsynced} 条记录尚未同步，将会丢失。',
        lastTryNone: 'PIN码错误。再错一次将清除本机全部数据（所有记录均已同步）。',
        wiped: 'PIN码连续错误 5 次，本机数据已清除。请重新登录。',
      },
      lockNow: '锁定',
    },
  },
  en: {
    lock: {
      pin: 'PIN',
      repeatPin: 'Repeat PIN',
      pinPlaceholder: '6 digits',
      set: {
        title: 'Set a PIN',
        text: 'Residents’ data on this phone is encrypted with your PIN. You enter it each time the app opens, or after {minutes} minutes away.',
        submit: 'Set PIN',
        working: 'Encrypting the data on this phone…',
      },
      unlock: {
        title: 'Enter your PIN',
        text: '{name}, enter your PIN to unlock',
        submit: 'Unlock',
        forgot: 'Forgot PIN',
        forgotText: 'Without the PIN you can only log out and log in again; the data on this phone will be deleted{unsynced}.',
        forgotUnsynced: ', including {count} records not yet synced',
        forgotConfirm: 'Log out and log in again',
      },
      problems: {
        format: 'The PIN must be 6 digits',
        weak: 'This PIN is too easy to guess (like 111111 or 123456)',
        mismatch: 'The two PINs differ',
      },
      notices: {
        wrong: 'Wrong PIN, {remaining} tries left',
        lastTry: 'Wrong PIN. One more wrong PIN deletes all data on this phone, including {unsynced} records not yet synced.',
        lastTryNone: 'Wrong PIN. One more wrong PIN deletes all data on this phone (everything is synced).',
        wiped: 'Five wrong PINs: the data on this phone has been deleted. Please log in again.',
      },
      lockNow: 'Lock',
    },
  },
}
