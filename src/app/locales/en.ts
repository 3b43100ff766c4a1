import type { Messages } from './zh-CN'

type Tree = { [key: string]: string | Tree }

/** Every feature's English strings (src/app/i18n.ts merges them; messagesPerLocale in vite.config.ts). */
export const featureMessages = Object.values(
  import.meta.glob<Tree>('../../features/*/*.messages.ts', { eager: true, query: { locale: 'en' }, import: 'default' }),
)

/** English. Same shape as the source locale (the type makes a missing key a compile error). */
const en: Messages = {
  account: {
    login: {
      errors: {
        invalid: 'Wrong username or password',
        offline: 'No network. Connect to log in.',
        required: 'Enter your username and password',
        server: 'Login failed (error {status}). Please try again later.',
        throttled: 'Too many attempts. Please try again later.',
      },
      hint: 'The first login needs a connection; after that the app works without signal.',
      password: 'Password',
      passwordPlaceholder: 'Enter password',
      submit: 'Log in',
      subtitle: 'Community grid worker app',
      title: 'FullGrid',
      username: 'Username',
      usernamePlaceholder: 'Enter username',
    },
    me: {
      account: 'Account',
      device: 'This device',
      deviceName: 'Device name',
      language: 'Language',
      logout: 'Log out',
      logoutConfirm: 'Log out now? Logging in again needs a connection.',
      logoutConfirmButton: 'Log out',
      logoutPending: '{count} records are not synced yet: logging out deletes the data on this phone, and they cannot be uploaded. Log out anyway?',
      name: 'Name',
      role: 'Role',
      sync: 'Sync',
      title: 'Me',
      username: 'Username',
    },
    storage: {
      notPersisted: 'Off',
      persistHint: 'The browser may clear data when space runs short; installing the app usually turns this on.',
      persisted: 'On',
      persistence: 'Persistent storage',
      quota: 'Quota',
      title: 'Storage',
      unknown: 'Unknown',
      usage: 'Used',
    },
  },
  common: {
    cancel: 'Cancel',
    date: { choose: 'Choose', confirm: 'OK', cancel: 'Cancel' },
    file: { choose: 'Choose a file', none: 'No file chosen yet' },
    photos: {
      add: 'Take / choose a photo',
      compressing: 'Compressing the photo…',
      label: 'Photos',
      remove: 'Remove photo {n}',
      thumb: 'Photo {n}',
    },
  },
  issues: {
    title: 'Issues',
  },
  ledger: {
    count: '{count} households on this device.',
    empty: 'No households on this device yet. They appear after the first sync.',
    title: 'Household ledger',
  },
  locale: {
    en: 'English',
    zhCN: '中文',
  },
  patrol: {
    empty: 'No patrol recorded today. Daily patrols are coming soon.',
    title: 'Patrol',
  },
  pwa: {
    later: 'Later',
    ready: 'New version available',
    update: 'Update now',
    waiting: 'Updates once the open form is saved or the patrol ends; nothing is lost.',
  },
  storage: {
    evicted: 'Storage is full: removed {photos} uploaded photos ({mb} MB) and {tiles} cached map tiles; they download again when online. Every record is kept.',
    ok: 'OK',
  },
  shell: {
    nav: 'Main navigation',
    tabs: {
      issues: 'Issues',
      ledger: 'Households',
      me: 'Me',
      patrol: 'Patrol',
      today: 'Today',
    },
  },
  today: {
    greeting: 'Hello, {name}',
    households: 'Households on this device: {count}',
    title: 'Today',
  },
}

export default en
