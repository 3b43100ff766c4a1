/**
 * The content hash kept with each applied mutation id (DESIGN §4: "an id means one mutation"):
 * SHA-256 of the fields as canonical JSON (object keys sorted at every depth, `undefined` left
 * out as JSON leaves it out), so a retry of the same outbox entry hashes the same whatever order
 * its client serialised the keys in, and any other content under that id does not.
 */
import { createHash } from 'node:crypto'

export function fieldsHash(fields: Record<string, unknown>): string {
  return createHash('sha256').update(canonicalJson(fields)).digest('hex')
}

/**
 * JSON with object keys sorted at every depth. Iterative, not recursive: the fields come from the
 * request body, and a value nested 20,000 deep must not overflow the stack (a 500).
 */
export function canonicalJson(value: unknown): string {
  const out: string[] = []
  // Items popped in order: a value still to write, or literal text. Pushed in reverse.
  const stack: ({ v: unknown } | string)[] = [{ v: value }]
  while (stack.length) {
    const item = stack.pop()!
    if (typeof item === 'string') {
      out.push(item)
      continue
    }
    const v = item.v
    if (Array.isArray(v)) {
      stack.push(']')
      for (let i = v.length - 1; i >= 0; i--) {
        stack.push({ v: v[i] === undefined ? null : v[i] })
        if (i > 0) stack.push(',')
      }
      stack.push('[')
    } else if (v !== null && typeof v === 'object') {
      const keys = Object.keys(v)
        .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
        .sort()
      stack.push('}')
      for (let i = keys.length - 1; i >= 0; i--) {
        stack.push({ v: (v as Record<string, unknown>)[keys[i]] })
        stack.push(`${JSON.stringify(keys[i])}:`)
        if (i > 0) stack.push(',')
      }
      stack.push('{')
    } else {
      out.push(JSON.stringify(v) ?? 'null')
    }
  }
  return out.join('')
}
