/**
 * Masking of personal data where it is shown in lists, printed or exported (DESIGN §5): the full
 * value stays on the phone of the worker who needs it to call a resident.
 */

/** 13812345678 → 138****5678; short or odd numbers keep only their last two digits. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\s+/g, '')
  if (digits.length >= 11) return `${digits.slice(0, 3)}****${digits.slice(-4)}`
  if (digits.length <= 2) return digits
  return `${'*'.repeat(digits.length - 2)}${digits.slice(-2)}`
}

/** 370285194001011234 → 370285********1234 (region and last four kept, birth date hidden). */
export function maskIdNumber(idNumber: string): string {
  const v = idNumber.trim()
  if (v.length < 10) return '*'.repeat(v.length)
  return `${v.slice(0, 6)}${'*'.repeat(v.length - 10)}${v.slice(-4)}`
}
