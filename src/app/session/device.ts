/** Naming this device for the login (shown to supervisors in the device list, never parsed). */

const DEVICE_ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-'

/** 16 random characters of [A-Za-z0-9_-]: 96 bits, enough to never collide within a city. */
export function makeDeviceId(random: (n: number) => Uint8Array = (n) => crypto.getRandomValues(new Uint8Array(n))): string {
  return Array.from(random(16), (b) => DEVICE_ID_ALPHABET[b & 63]).join('')
}

/** "Android 14 · Chrome 131", "iPhone · Safari", … — a summary a person recognises. */
export function deviceNameFromUserAgent(ua: string): string {
  const os =
    match(ua, /Android (\d+)/, (v) => `Android ${v}`) ??
    (/iPhone/.test(ua) ? 'iPhone' : undefined) ??
    (/iPad/.test(ua) ? 'iPad' : undefined) ??
    (/HarmonyOS/.test(ua) ? 'HarmonyOS' : undefined) ??
    (/Windows/.test(ua) ? 'Windows' : undefined) ??
    (/Mac OS X/.test(ua) ? 'macOS' : undefined) ??
    (/Linux/.test(ua) ? 'Linux' : undefined)
  const browser =
    match(ua, /MicroMessenger\/(\d+)/, (v) => `微信 ${v}`) ??
    match(ua, /EdgA?\/(\d+)/, (v) => `Edge ${v}`) ??
    match(ua, /(?:Chrome|CriOS)\/(\d+)/, (v) => `Chrome ${v}`) ??
    match(ua, /Firefox\/(\d+)/, (v) => `Firefox ${v}`) ??
    (/Safari\//.test(ua) ? 'Safari' : undefined)
  const name = [os, browser].filter(Boolean).join(' · ')
  return (name || ua || 'unknown').slice(0, 100)
}

function match(ua: string, re: RegExp, format: (v: string) => string): string | undefined {
  const m = re.exec(ua)
  return m ? format(m[1]) : undefined
}
