import { describe, expect, it } from 'vitest'
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '@/domain/password'
import { inAppBrowser, isSpent, linkFailureOf, passwordFormProblem, tokenFromHash } from '@/features/onboarding/onboarding.models'
import accountMessages from '@/features/account/account.messages'
import onboardingMessages from '@/features/onboarding/onboarding.messages'
import { changePasswordFailureOf, changePasswordProblem } from '@/features/account/account.models'
import { DeviceRevokedError, NetworkError, ProtocolError, RequestRefusedError, ServerError, UnauthorizedError } from '@/sync/errors'

const TOKEN = 'Zx8_k2-Lq9pV7mN3rT5wY1aB4cD6eF0g'

describe('tokenFromHash', () => {
  it('reads t from the fragment, with or without the #', () => {
    expect(tokenFromHash(`#t=${TOKEN}`)).toBe(TOKEN)
    expect(tokenFromHash(`t=${TOKEN}`)).toBe(TOKEN)
    expect(tokenFromHash(`#x=1&t=${TOKEN}`)).toBe(TOKEN)
  })

  it.each([
    ['no fragment', ''],
    ['only #', '#'],
    ['another key', `#token=${TOKEN}`],
    ['empty t', '#t='],
    ['too short to be a token', '#t=abc'],
    ['characters no token has', '#t=abc<script>defgh'],
    ['far too long', `#t=${'a'.repeat(513)}`],
  ])('is null for %s', (_, hash) => {
    expect(tokenFromHash(hash)).toBeNull()
  })
})

describe('inAppBrowser', () => {
  const android = 'Mozilla/5.0 (Linux; Android 14; V2309A Build/UP1A; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/130.0.6723.103 Mobile Safari/537.36'
  it.each([
    ['微信', `${android} XWEB/1300199 MMWEBSDK/20240404 MMWEBID/1234 MicroMessenger/8.0.49.2600(0x28003133) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64`],
    ['钉钉', `${android} AliApp(DingTalk/7.6.0) com.alibaba.android.rimet/38212345 Channel/700159 language/zh-CN DingTalk/7.6.0`],
    ['支付宝', `${android} AlipayClient/10.6.0.8000 Language/zh-Hans`],
    ['QQ', `${android} V1_AND_SQ_9.0.8_6260_YYB_D QQ/9.0.8.14755 NetType/WIFI`],
  ])('names %s', (app, ua) => {
    expect(inAppBrowser(ua)).toBe(app)
  })

  it('is null in the phone browser', () => {
    expect(inAppBrowser('Mozilla/5.0 (Linux; Android 14; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36')).toBeNull()
    expect(inAppBrowser('Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1')).toBeNull()
    // QQ's own browser app is a browser, not a chat app's web view.
    expect(inAppBrowser('Mozilla/5.0 (Linux; U; Android 14; zh-cn) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 MQQBrowser/14.8 Mobile Safari/537.36')).toBeNull()
  })
})

describe('passwordFormProblem', () => {
  const ok = 'a'.repeat(MIN_PASSWORD_LENGTH)

  it('accepts 8 characters typed twice alike', () => {
    expect(passwordFormProblem(ok, ok)).toBeNull()
    expect(passwordFormProblem('网格员张三二零二六', '网格员张三二零二六')).toBeNull()
  })

  it('asks for a password first', () => {
    expect(passwordFormProblem('', '')).toBe('required')
  })

  it('refuses fewer than 8 characters, counting characters rather than UTF-16 units', () => {
    expect(passwordFormProblem('a'.repeat(MIN_PASSWORD_LENGTH - 1), 'a'.repeat(MIN_PASSWORD_LENGTH - 1))).toBe('tooShort')
    // Four emoji are 8 UTF-16 units but 4 characters.
    expect(passwordFormProblem('😀😀😀😀', '😀😀😀😀')).toBe('tooShort')
  })

  it('refuses what login could not take (too long, NUL)', () => {
    const long = 'a'.repeat(MAX_PASSWORD_LENGTH + 1)
    expect(passwordFormProblem(long, long)).toBe('tooLong')
    expect(passwordFormProblem(`${ok}\u0000`, `${ok}\u0000`)).toBe('nul')
  })

  it('refuses two different entries, after the rule of the first', () => {
    expect(passwordFormProblem(ok, `${ok}b`)).toBe('mismatch')
    expect(passwordFormProblem(ok, '')).toBe('mismatch')
    expect(passwordFormProblem('short', 'other')).toBe('tooShort')
  })
})

describe('linkFailureOf', () => {
  it.each([
    ['a code naming it', 'link_used', '二维码不可用', 'used'],
    ['the Chinese words', 'gone', '此二维码已使用', 'used'],
    ['a code naming expiry', 'link_expired', 'x', 'expired'],
    ['words naming expiry', 'gone', '链接已过期', 'expired'],
    ['a code naming revocation', 'link_revoked', 'x', 'revoked'],
    ['words naming revocation', 'gone', '链接已被撤销', 'revoked'],
    ['the code before the words', 'link_expired', '已使用', 'expired'],
    ['nothing recognisable', 'http_410', '不可用', 'gone'],
  ])('sorts a 410 by %s', (_, code, message, problem) => {
    expect(linkFailureOf(new ServerError(410, message, code))).toEqual({ problem, status: 410 })
  })

  it('calls every 410 and an unknown link spent, but not a network or password problem', () => {
    for (const p of ['used', 'expired', 'revoked', 'gone', 'invalid'] as const) expect(isSpent(p)).toBe(true)
    for (const p of ['refused', 'offline', 'throttled', 'server'] as const) expect(isSpent(p)).toBe(false)
  })

  it('keeps the server words of a refused password', () => {
    expect(linkFailureOf(new RequestRefusedError(400, 'weak_password', '密码至少需要 8 个字符'))).toEqual({ problem: 'refused', message: '密码至少需要 8 个字符', status: 400 })
  })

  it('sorts the other failures', () => {
    expect(linkFailureOf(new NetworkError())).toEqual({ problem: 'offline' })
    expect(linkFailureOf(new ServerError(404, 'x', 'not_found')).problem).toBe('invalid')
    expect(linkFailureOf(new UnauthorizedError('x')).problem).toBe('invalid')
    expect(linkFailureOf(new ServerError(429, 'x')).problem).toBe('throttled')
    expect(linkFailureOf(new ServerError(503, 'x'))).toEqual({ problem: 'server', status: 503 })
    expect(linkFailureOf(new ProtocolError('x')).problem).toBe('server')
    expect(linkFailureOf(new Error('boom'))).toEqual({ problem: 'server', status: 0 })
  })
})

describe('changePasswordProblem (我的 › 修改密码)', () => {
  it('asks for the current password, then applies the new-password rule', () => {
    expect(changePasswordProblem('', 'xinmima2026', 'xinmima2026')).toBe('currentRequired')
    expect(changePasswordProblem('demo1234', 'xin', 'xin')).toBe('tooShort')
    expect(changePasswordProblem('demo1234', 'xinmima2026', 'xinmima2027')).toBe('mismatch')
  })

  it('refuses the same password again, and accepts a new one', () => {
    expect(changePasswordProblem('demo1234', 'demo1234', 'demo1234')).toBe('same')
    expect(changePasswordProblem('demo1234', 'xinmima2026', 'xinmima2026')).toBeNull()
  })
})

describe('changePasswordFailureOf', () => {
  it('tells the network, a lost session and the server words apart', () => {
    expect(changePasswordFailureOf(new NetworkError())).toEqual({ kind: 'offline' })
    expect(changePasswordFailureOf(new UnauthorizedError('登录已过期'))).toEqual({ kind: 'session' })
    expect(changePasswordFailureOf(new DeviceRevokedError('设备已停用'))).toEqual({ kind: 'session' })
    expect(changePasswordFailureOf(new RequestRefusedError(400, 'wrong_password', '当前密码不正确'))).toEqual({ kind: 'server', message: '当前密码不正确' })
    // A 401 that names the password, not the session, is the server's to explain.
    expect(changePasswordFailureOf(new UnauthorizedError('当前密码不正确', 'wrong_password'))).toEqual({ kind: 'server', message: '当前密码不正确' })
  })
})

describe('messages', () => {
  type Tree = { [key: string]: string | Tree }
  const keys = (tree: Tree, prefix = ''): string[] =>
    Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [`${prefix}${k}`] : keys(v, `${prefix}${k}.`)))

  it.each([
    ['onboarding', onboardingMessages],
    ['account', accountMessages],
  ])('%s has every key in English too, none empty', (_, messages) => {
    expect(keys(messages.en).sort()).toEqual(keys(messages['zh-CN']).sort())
    const texts = (tree: Tree): string[] => Object.values(tree).flatMap((v) => (typeof v === 'string' ? [v] : texts(v)))
    for (const text of [...texts(messages.en), ...texts(messages['zh-CN'])]) expect(text.trim()).not.toBe('')
  })
})
