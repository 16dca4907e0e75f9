// An image file -> PNG bytes as base64, for acceptInvitation({ imagePngBase64 }). Other formats
// (a phone's JPEG) are redrawn to PNG on a canvas; the core decodes only PNG.
import { CodedError } from '../../../protocol/errors.ts';

const MAX_IMAGE_BYTES = 12 * 1024 * 1024;

export class ImageFileError extends CodedError<'IMAGE_TOO_LARGE' | 'IMAGE_UNSUPPORTED'> {
  override readonly name = 'ImageFileError';
}

async function toPngBlob(file: Blob): Promise<Blob> {
  if (file.type === 'image/png') return file;
  if (!file.type.startsWith('image/')) throw new ImageFileError('IMAGE_UNSUPPORTED', `not an image: ${file.type || 'unknown type'}`);
  const bitmap = await createImageBitmap(file).catch(() => { throw new ImageFileError('IMAGE_UNSUPPORTED', 'the image could not be read'); });
  const canvas = document.createElement('canvas');
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  canvas.getContext('2d')?.drawImage(bitmap, 0, 0);
  bitmap.close();
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new ImageFileError('IMAGE_UNSUPPORTED', 'could not convert the image'))), 'image/png'));
}

export async function imageFileToPngBase64(file: Blob): Promise<string> {
  if (file.size > MAX_IMAGE_BYTES) throw new ImageFileError('IMAGE_TOO_LARGE', `${file.size} bytes`);
  const png = new Uint8Array(await (await toPngBlob(file)).arrayBuffer());
  let binary = '';
  for (let i = 0; i < png.length; i += 0x8000) binary += String.fromCharCode(...png.subarray(i, i + 0x8000));
  return btoa(binary);
}
