/** A multipart/form-data body with one file field, built by hand so a test controls every byte. */
const BOUNDARY = '----tertulia-test-upload';

export function fileUpload(
  bytes: Buffer | string,
  { field = 'file', filename = 'upload.bin', contentType = 'application/octet-stream' } = {},
) {
  const head =
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\n` +
    `Content-Type: ${contentType}\r\n\r\n`;
  return {
    payload: Buffer.concat([
      Buffer.from(head),
      Buffer.from(bytes),
      Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
    ]),
    headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
  };
}
