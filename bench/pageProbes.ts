/**
 * Probes shared by the phone benches (bench/run.ts, bench/encryption.ts), evaluated in the page.
 */

/** Navigation start → a head name typed into 搜索住户 is listed (first rows and search ready, in ms). */
export function searchableScript(name: string): string {
  // A string, not a function: tsx's name-keeping helpers (__name) do not exist in the page.
  return `new Promise((resolve, reject) => {
    const name = ${JSON.stringify(name)}
    let listMs = null
    const timer = setTimeout(() => reject(new Error('not searchable after 120 s')), 120000)
    const check = () => {
      const rows = [...document.querySelectorAll('.ledger-row--household')]
      const box = document.querySelector('#ledger-search')
      if (listMs === null && rows.length) listMs = performance.now()
      if (box && box.value !== name) {
        box.value = name
        box.dispatchEvent(new Event('input', { bubbles: true }))
      }
      if (box && box.value === name && rows.some((r) => r.textContent.includes(name))) {
        clearTimeout(timer)
        return resolve({ listMs: Math.round(listMs ?? performance.now()), searchableMs: Math.round(performance.now()) })
      }
      requestAnimationFrame(check)
    }
    check()
  })`
}
