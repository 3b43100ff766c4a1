/**
 * What counts as a phone number, for every place that takes one (the ledger import, the
 * administration of people): one rule, so a number the console accepts for a worker is not
 * refused in a ledger, or the other way round. It is the ledger's, the wider of the two that
 * existed, so nothing either accepted before is refused now.
 */

/** Mobile (11 digits from 1), landline with area code (0 + 9–11 digits), or a local 7–8 digit number; `-` and spaces allowed between. */
export function isPhoneNumber(v: string): boolean {
  const digits = v.replace(/[-\s]/g, '')
  return /^1\d{10}$/.test(digits) || /^0\d{9,11}$/.test(digits) || /^\d{7,8}$/.test(digits)
}

/** A ledger's 联系电话: null when blank or a phone number, else what is wrong in words. */
export function phoneProblem(v: string): string | null {
  if (!v) return null
  return isPhoneNumber(v) ? null : `联系电话“${v}”不是有效的号码（手机 11 位，座机带区号）`
}
