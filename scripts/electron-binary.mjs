// The Electron runtime the `electron` npm package downloaded, if it did: its install script writes
// the binary's path inside node_modules/electron/dist to node_modules/electron/path.txt. Where the
// download was refused (this repo's development machines) neither exists, and callers fall back:
// `npm start` to the browser host, the Electron e2e spec to a skip that says why.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const electronDir = join(fileURLToPath(new URL('..', import.meta.url)), 'node_modules', 'electron');

/** Absolute path of the Electron binary, or null when none was downloaded. */
export function electronBinary() {
  const pathFile = join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const bin = join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(bin) ? bin : null;
}
