// Draws Sotto's app icon at every size the installers need (docs/ARCHITECTURE.md "Packaging"):
// a speech bubble with three quiet dots on a dark rounded square, two colours, drawn from shapes
// at each size (so 16 px is sharp, not a shrunk 1024). Writes assets/icons/<n>x<n>.png (Linux),
// assets/icon.png (1024), assets/icon.ico (Windows, PNG entries) and assets/icon.icns (macOS).
//   npx tsx scripts/draw-icons.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';

const SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024] as const;
const BACKGROUND = [0x1f, 0x26, 0x2e] as const;
const INK = [0xf4, 0xf1, 0xea] as const;

type Paint = 'none' | 'background' | 'ink';

/** What lies at (x, y) in the unit square, y downwards. */
function paintAt(x: number, y: number): Paint {
  // Rounded square with a 0.2 corner radius.
  const r = 0.2;
  const cx = Math.min(Math.max(x, r), 1 - r);
  const cy = Math.min(Math.max(y, r), 1 - r);
  if (Math.hypot(x - cx, y - cy) > r) return 'none';
  // Three dots inside the bubble, in the background colour.
  for (const dx of [0.36, 0.5, 0.64]) {
    if (Math.hypot(x - dx, y - 0.47) < 0.045) return 'background';
  }
  // Bubble: an ellipse and a tail pointing down-left.
  const inEllipse = ((x - 0.5) / 0.3) ** 2 + ((y - 0.47) / 0.25) ** 2 <= 1;
  const inTail = inTriangle(x, y, [0.3, 0.6], [0.44, 0.68], [0.24, 0.8]);
  return inEllipse || inTail ? 'ink' : 'background';
}

function inTriangle(x: number, y: number, a: [number, number], b: [number, number], c: [number, number]): boolean {
  const side = (p: [number, number], q: [number, number]): number => (q[0] - p[0]) * (y - p[1]) - (q[1] - p[1]) * (x - p[0]);
  const s1 = side(a, b);
  const s2 = side(b, c);
  const s3 = side(c, a);
  return (s1 >= 0 && s2 >= 0 && s3 >= 0) || (s1 <= 0 && s2 <= 0 && s3 <= 0);
}

export function drawIcon(size: number): Buffer {
  const png = new PNG({ width: size, height: size });
  const samples = size <= 64 ? 8 : size <= 256 ? 4 : 2;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let ink = 0;
      let covered = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const paint = paintAt((px + (sx + 0.5) / samples) / size, (py + (sy + 0.5) / samples) / size);
          if (paint !== 'none') covered++;
          if (paint === 'ink') ink++;
        }
      }
      const i = (py * size + px) * 4;
      const t = covered === 0 ? 0 : ink / covered;
      for (let c = 0; c < 3; c++) png.data[i + c] = Math.round((BACKGROUND[c] ?? 0) * (1 - t) + (INK[c] ?? 0) * t);
      png.data[i + 3] = Math.round((255 * covered) / (samples * samples));
    }
  }
  return PNG.sync.write(png);
}

/** ICO with PNG-compressed entries (Windows Vista+); 256 is written as 0 in the directory. */
export function icoOf(images: { size: number; png: Buffer }[]): Buffer {
  const header = Buffer.alloc(6 + 16 * images.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(images.length, 4);
  let offset = header.length;
  images.forEach(({ size, png }, n) => {
    const e = 6 + 16 * n;
    header.writeUInt8(size >= 256 ? 0 : size, e);
    header.writeUInt8(size >= 256 ? 0 : size, e + 1);
    header.writeUInt16LE(1, e + 4); // colour planes
    header.writeUInt16LE(32, e + 6); // bits per pixel
    header.writeUInt32LE(png.length, e + 8);
    header.writeUInt32LE(offset, e + 12);
    offset += png.length;
  });
  return Buffer.concat([header, ...images.map((i) => i.png)]);
}

/** ICNS with PNG entries: icp4/icp5/icp6 = 16/32/64, ic07..ic10 = 128..1024, ic11..ic14 = @2x. */
export function icnsOf(bySize: Map<number, Buffer>): Buffer {
  const types: [string, number][] = [
    ['icp4', 16], ['icp5', 32], ['icp6', 64], ['ic07', 128], ['ic08', 256], ['ic09', 512], ['ic10', 1024],
    ['ic11', 32], ['ic12', 64], ['ic13', 256], ['ic14', 512],
  ];
  const chunks = types.map(([type, size]) => {
    const png = bySize.get(size);
    if (png === undefined) throw new Error(`no ${size} px image for ${type}`);
    const head = Buffer.alloc(8);
    head.write(type, 0, 'latin1');
    head.writeUInt32BE(8 + png.length, 4);
    return Buffer.concat([head, png]);
  });
  const body = Buffer.concat(chunks);
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'latin1');
  head.writeUInt32BE(8 + body.length, 4);
  return Buffer.concat([head, body]);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const assets = fileURLToPath(new URL('../assets/', import.meta.url));
  mkdirSync(`${assets}icons`, { recursive: true });
  const bySize = new Map<number, Buffer>();
  for (const size of SIZES) {
    const png = drawIcon(size);
    bySize.set(size, png);
    writeFileSync(`${assets}icons/${size}x${size}.png`, png);
  }
  writeFileSync(`${assets}icon.png`, bySize.get(1024) ?? Buffer.alloc(0));
  writeFileSync(`${assets}icon.ico`, icoOf([16, 24, 32, 48, 64, 128, 256].map((size) => ({ size, png: bySize.get(size) ?? Buffer.alloc(0) }))));
  writeFileSync(`${assets}icon.icns`, icnsOf(bySize));
  console.log(`wrote ${SIZES.length} PNGs, icon.ico and icon.icns to ${assets}`);
}
