/** Where to go after login: only a path inside this app, never another site ("//evil", "http:"). */
export function safeRedirect(value: unknown, fallback = '/today'): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return fallback
  if (value.startsWith('/login')) return fallback
  return value
}
