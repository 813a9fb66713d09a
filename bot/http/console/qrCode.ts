/**
 * A QR code as an SVG the console can put in its page (the TOTP enrolment's otpauth:// URI). The symbol is made by
 * the `qrcode` package (node-qrcode: the encoding, Reed–Solomon and masking are the part worth not rewriting); this
 * file draws its modules as one SVG path, without scripts or style attributes (the console's CSP allows neither).
 */
import QRCode from 'qrcode';

/** Light modules around the symbol, as the QR specification asks. */
const QUIET_ZONE = 4;

/** The dark modules of `text`'s QR code (error correction M), row by row: true is dark. */
export function qrModules(text: string): boolean[][] {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  return Array.from({ length: modules.size }, (_, row) =>
    Array.from({ length: modules.size }, (_, col) => modules.get(row, col) === 1),
  );
}

/** An SVG of `text`'s QR code, scalable (a viewBox in modules), dark on white. */
export function qrSvg(text: string): string {
  const rows = qrModules(text);
  const size = rows.length + 2 * QUIET_ZONE;
  let path = '';
  rows.forEach((row, y) => {
    row.forEach((dark, x) => {
      if (dark) path += `M${x + QUIET_ZONE} ${y + QUIET_ZONE}h1v1h-1z`;
    });
  });
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}" shape-rendering="crispEdges" ` +
    `role="img" aria-label="QR code"><rect width="${size}" height="${size}" fill="#fff"/>` +
    `<path d="${path}" fill="#000"/></svg>`
  );
}
