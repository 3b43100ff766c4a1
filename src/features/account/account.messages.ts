/**
 * Password strings of 我的 › 修改密码 and of the sign-in link page (merged into the `account` tree
 * of src/app/locales by src/app/i18n.ts).
 */
export default {
  'zh-CN': {
    account: {
      password: {
        changed: '密码已修改。以后登录请使用新密码。',
        current: '当前密码',
        currentPlaceholder: '请输入当前密码',
        currentRequired: '请输入当前密码',
        done: '完成',
        entry: '修改密码',
        errors: {
          offline: '需要联网才能修改密码',
          sessionExpired: '登录已过期，请重新登录后再修改密码',
        },
        new: '新密码',
        newPlaceholder: '至少 {min} 个字符',
        problems: {
          mismatch: '两次输入的新密码不一致',
          nul: '密码含有无法使用的字符',
          required: '请输入新密码',
          same: '新密码不能与当前密码相同',
          tooLong: '密码不能超过 {max} 个字符',
          tooShort: '密码至少需要 {min} 个字符',
        },
        repeat: '确认新密码',
        repeatPlaceholder: '再次输入新密码',
        submit: '确认修改',
        title: '修改密码',
      },
    },
  },
  en: {
    account: {
      password: {
        changed: 'Password changed. Use the new password from now on.',
        current: 'Current',
        currentPlaceholder: 'Enter your current password',
        currentRequired: 'Enter your current password',
        done: 'Done',
        entry: 'Change password',
        errors: {
          offline: 'Changing the password needs a network connection',
          sessionExpired: 'Your login has expired. Log in again, then change the password.',
        },
        new: 'New',
        newPlaceholder: 'At least {min} characters',
        problems: {
          mismatch: 'The two new passwords differ',
          nul: 'The password contains a character that cannot be used',
          required: 'Enter a new password',
          same: 'The new password must differ from the current one',
          tooLong: 'The password may have at most {max} characters',
          tooShort: 'The password needs at least {min} characters',
        },
        repeat: 'Repeat',
        repeatPlaceholder: 'Enter the new password again',
        submit: 'Change',
        title: 'Change password',
      },
    },
  },
}
