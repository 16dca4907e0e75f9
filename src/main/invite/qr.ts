// QR codes for invitation links (DESIGN D3: "the same bytes as a QR code"), rendered with `qrcode`
// and read back with `jsqr` + `pngjs`, so a user can accept by loading a photo/screenshot.
import QRCode from 'qrcode';
import jsqrModule from 'jsqr';
import { PNG } from 'pngjs';
import { InviteError } from './errors.ts';
import { findInvitationLink, isInvitationLink } from './link.ts';

// jsqr is a CommonJS bundle whose typings declare an ES default export; under NodeNext the default
// import is module.exports (callable, with a `.default` too). Take whichever is the function.
type JsQr = typeof import('jsqr').default;
const jsqrExports = jsqrModule as unknown as JsQr | { default: JsQr };
const jsQR: JsQr = typeof jsqrExports === 'function' ? jsqrExports : jsqrExports.default;

export interface QrRenderOptions {
  /** Pixels per module in the PNG; 8 keeps a ~300-char link around 600 px wide. */
  scale?: number;
  /** Quiet zone in modules; the QR spec asks for 4, scanners fail more often below that. */
  margin?: number;
  /**
   * 'M' (15 %) fits a sealed invitation (~300 chars) in version 13 and survives a phone photo;
   * 'Q'/'H' grow the code past what cheap cameras focus on.
   */
  errorCorrection?: 'L' | 'M' | 'Q' | 'H';
}

/** A QR code holds at most 2953 bytes (version 40, level L); anything longer is refused early. */
const MAX_QR_TEXT = 2953;

/**
 * Decoding cost grows with the pixel count; 4096x4096 RGBA is 64 MiB, which already is as much as
 * we let a single pasted image cost. Above that, the user gets a coded error, not an OOM.
 */
export const MAX_IMAGE_PIXELS = 4096 * 4096;

function options(opts: QrRenderOptions): { errorCorrectionLevel: 'L' | 'M' | 'Q' | 'H'; margin: number; scale: number } {
  return { errorCorrectionLevel: opts.errorCorrection ?? 'M', margin: opts.margin ?? 4, scale: opts.scale ?? 8 };
}

function checkText(link: string): void {
  if (!isInvitationLink(link)) throw InviteError.NOT_AN_INVITATION_LINK('only canonical sotto://invite/vN# links are rendered');
  if (link.length > MAX_QR_TEXT) throw InviteError.QR_TOO_LONG(link.length);
}

/** PNG bytes of the QR code of `link`. */
export async function renderInvitationQrPng(link: string, opts: QrRenderOptions = {}): Promise<Buffer> {
  checkText(link);
  return QRCode.toBuffer(link, { ...options(opts), type: 'png' });
}

/** A standalone SVG document of the QR code of `link` (scales without blur in the UI). */
export async function renderInvitationQrSvg(link: string, opts: QrRenderOptions = {}): Promise<string> {
  checkText(link);
  return QRCode.toString(link, { ...options(opts), type: 'svg' });
}

/** Raw RGBA pixels, e.g. from a screenshot the host already decoded. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array | Uint8ClampedArray;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Reads the PNG header's dimensions before decompressing, so a decompression bomb is refused. */
function pngDimensions(bytes: Uint8Array): { width: number; height: number } {
  if (bytes.length < 24 || !Buffer.from(bytes.subarray(0, 8)).equals(PNG_SIGNATURE)) {
    throw InviteError.IMAGE_UNSUPPORTED('only PNG images are read (screenshots and exported QR codes are PNG)');
  }
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.readUInt32BE(16), height: view.readUInt32BE(20) };
}

export function decodePng(bytes: Uint8Array): RgbaImage {
  const { width, height } = pngDimensions(bytes);
  if (width * height > MAX_IMAGE_PIXELS) throw InviteError.IMAGE_TOO_LARGE(width * height, MAX_IMAGE_PIXELS);
  try {
    const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    return { width: png.width, height: png.height, data: png.data };
  } catch (err) {
    throw new InviteError('IMAGE_UNSUPPORTED', `unreadable PNG: ${(err as Error).message}`, { cause: err });
  }
}

/** The text of the first QR code found in the image, or a coded error. */
export function readQrText(image: RgbaImage): string {
  const { width, height, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw InviteError.IMAGE_UNSUPPORTED('image dimensions must be positive integers');
  }
  if (width * height > MAX_IMAGE_PIXELS) throw InviteError.IMAGE_TOO_LARGE(width * height, MAX_IMAGE_PIXELS);
  if (!(data instanceof Uint8Array || data instanceof Uint8ClampedArray) || data.length !== width * height * 4) {
    throw InviteError.IMAGE_UNSUPPORTED('pixel data must be RGBA, width x height x 4 bytes');
  }
  const pixels = data instanceof Uint8ClampedArray ? data : new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength);
  // Dark-mode screenshots show light-on-dark codes; jsqr's attemptBoth costs ~2x, fine for one image.
  const found = jsQR(pixels, width, height, { inversionAttempts: 'attemptBoth' });
  if (!found) throw InviteError.QR_NOT_FOUND();
  return found.data;
}

/**
 * Accept-by-image: PNG bytes (or decoded RGBA pixels) -> the canonical invitation link inside.
 * A QR code holding anything else (a URL, a Wi-Fi password) is refused with QR_NOT_AN_INVITATION.
 */
export function invitationLinkFromImage(image: Uint8Array | RgbaImage, isValid?: (link: string) => boolean): string {
  const rgba = image instanceof Uint8Array ? decodePng(image) : image;
  const text = readQrText(rgba);
  const link = findInvitationLink(text, isValid);
  if (!link) throw InviteError.QR_NOT_AN_INVITATION();
  return link;
}
