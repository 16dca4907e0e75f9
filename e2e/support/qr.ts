// Reads a QR code the way a phone camera would: from the pixels of a screenshot, not from the DOM.
import jsqrModule from 'jsqr';
import { PNG } from 'pngjs';

// jsqr is a CommonJS bundle whose typings declare an ES default export; under NodeNext the default
// import is module.exports itself. Take whichever is the function.
type JsQr = typeof import('jsqr').default;
const jsqrExports = jsqrModule as unknown as JsQr | { default: JsQr };
const jsQR: JsQr = typeof jsqrExports === 'function' ? jsqrExports : jsqrExports.default;

export class QrUnreadableError extends Error {
  readonly code = 'E2E_QR_UNREADABLE';
}

/** Decodes the QR code in a PNG image; throws when none is found. */
export function decodeQrPng(png: Buffer): string {
  const image = PNG.sync.read(png);
  const found = jsQR(new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length), image.width, image.height);
  if (!found) throw new QrUnreadableError(`no QR code in a ${image.width}x${image.height} image`);
  return found.data;
}
