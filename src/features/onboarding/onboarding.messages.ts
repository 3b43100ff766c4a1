/** Strings of the sign-in link page (merged into the app's messages by src/app/i18n.ts). */
export default {
  'zh-CN': {
    onboarding: {
      errors: {
        expired: '此二维码已过期（有效期 24 小时），请向督导索取新的二维码',
        gone: '此二维码已失效，请向督导索取新的二维码',
        invalid: '此二维码无效，请向督导索取新的二维码',
        offline: '网络不可用，请联网后再试（二维码仍然有效）',
        revoked: '此二维码已被督导作废，请向督导索取新的二维码',
        server: '设置失败（错误 {status}），请稍后再试',
        throttled: '尝试次数过多，请稍后再试',
        used: '此二维码已使用，请向督导索取新的二维码',
      },
      hint: '设置后即可开始使用。以后在其他手机登录或登录过期时，账号见「我的」页面，密码就是这里设置的密码。',
      inApp: '你正在{app}中打开此页面。请先点右上角「···」，选择「在浏览器中打开」，再设置密码：在{app}里设置的登录只留在{app}中，手机浏览器和桌面图标都用不了，二维码也会作废。',
      newPassword: '新密码',
      newPasswordPlaceholder: '至少 {min} 个字符',
      noToken: {
        text: '请用手机扫描督导在管理后台出示的二维码，按提示设置密码后即可开始使用。',
        title: '扫描二维码登录',
      },
      repeatPassword: '确认密码',
      repeatPasswordPlaceholder: '再次输入新密码',
      signedIn: {
        text: '这台手机已登录 {name}。如需用此二维码登录其他账号，请先在「我的」中退出登录。',
        today: '进入今日',
      },
      submit: '设置密码并登录',
      title: '设置密码',
      toLogin: '已有账号和密码？去登录',
    },
  },
  en: {
    onboarding: {
      errors: {
        expired: 'This QR code has expired (it is valid for 24 hours). Ask your supervisor for a new one.',
        gone: 'This QR code can no longer be used. Ask your supervisor for a new one.',
        invalid: 'This QR code is not valid. Ask your supervisor for a new one.',
        offline: 'No network. Please try again when online (the QR code is still valid).',
        revoked: 'Your supervisor has revoked this QR code. Ask them for a new one.',
        server: 'Could not set the password (error {status}). Please try again later.',
        throttled: 'Too many attempts. Please try again later.',
        used: 'This QR code has already been used. Ask your supervisor for a new one.',
      },
      hint: 'You can start right after. To sign in on another phone or after your login expires, your username is on "Me" and the password is the one you set here.',
      inApp: 'This page is open inside {app}. Tap "···" at the top right and choose "Open in browser" before setting the password: a sign-in made inside {app} stays there, the phone browser and the home-screen app cannot use it, and the QR code is spent.',
      newPassword: 'New password',
      newPasswordPlaceholder: 'At least {min} characters',
      noToken: {
        text: 'Scan the QR code your supervisor shows in the console with this phone, then set your password.',
        title: 'Sign in with a QR code',
      },
      repeatPassword: 'Repeat',
      repeatPasswordPlaceholder: 'Enter the new password again',
      signedIn: {
        text: 'This phone is signed in as {name}. To use this QR code for another account, log out on "Me" first.',
        today: 'Go to Today',
      },
      submit: 'Set password and sign in',
      title: 'Set your password',
      toLogin: 'Have a username and password? Log in',
    },
  },
}
