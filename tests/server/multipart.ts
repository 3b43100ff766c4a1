/** One multipart/form-data body for upload tests (boundary files, staff and building sheets, the ledger). */
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

export interface FormPart {
  name: string
  value: string | Buffer
  /** A file part: its name; without it the part is a plain field. */
  filename?: string
  /** A file part's Content-Type (default application/octet-stream). */
  type?: string
}

export function multipartForm(parts: readonly FormPart[]): { payload: Buffer; headers: Record<string, string> } {
  const boundary = '----fullgrid' + Math.random().toString(16).slice(2)
  const chunks = parts.flatMap((p) => [
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"${p.filename ? `; filename="${p.filename}"` : ''}\r\n` +
        (p.filename ? `Content-Type: ${p.type ?? 'application/octet-stream'}\r\n` : '') +
        '\r\n',
    ),
    Buffer.isBuffer(p.value) ? p.value : Buffer.from(p.value),
    Buffer.from('\r\n'),
  ])
  return { payload: Buffer.concat([...chunks, Buffer.from(`--${boundary}--\r\n`)]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } }
}

/** A body of one file part. */
export function multipart(bytes: Buffer | string, filename: string, field = 'file', type?: string): { payload: Buffer; headers: Record<string, string> } {
  return multipartForm([{ name: field, value: bytes, filename, type }])
}
