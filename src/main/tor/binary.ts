// Where the tor binary comes from (DESIGN D5; docs/ARCHITECTURE.md "Tor binary"): a path the user
// configured, then the binary bundled with the app (electron-builder extraResources
// `tor/<platform>-<arch>/`), then `tor` on PATH, but never PATH in a packaged build: an installed
// app runs the tor it shipped (or the one the user chose), not whatever `tor` a PATH entry offers.
import { access, constants, stat } from 'node:fs/promises';
import { delimiter as hostDelimiter, isAbsolute, join } from 'node:path';
import { TorError } from './errors.ts';

export interface FindTorBinaryOptions {
  /** A path the user set in the settings; used as is when it is an executable file. */
  configured?: string | undefined;
  /** Electron's process.resourcesPath (or the repo's assets/ in development). */
  resourcesDir?: string | undefined;
  platform: NodeJS.Platform;
  arch: string;
  /** The PATH environment variable. */
  pathEnv: string | undefined;
  /** True in an installed app (Electron's app.isPackaged): PATH is never searched. */
  packaged?: boolean;
}

export async function findTorBinary(opts: FindTorBinaryOptions): Promise<string> {
  const exe = opts.platform === 'win32' ? 'tor.exe' : 'tor';
  const candidates: string[] = [];
  if (opts.configured) candidates.push(opts.configured);
  if (opts.resourcesDir) candidates.push(join(opts.resourcesDir, 'tor', `${opts.platform}-${opts.arch}`, exe));
  if (opts.packaged !== true) {
    const delimiter = opts.platform === 'win32' ? ';' : hostDelimiter;
    for (const dir of (opts.pathEnv ?? '').split(delimiter)) {
      // A relative entry ('.', '') resolves against the working directory: a planted ./tor.
      if (isAbsolute(dir)) candidates.push(join(dir, exe));
    }
  }
  for (const candidate of candidates) {
    if (await isExecutableFile(candidate)) return candidate;
  }
  throw TorError.NO_TOR_BINARY(candidates.length > 0 ? candidates : [opts.packaged === true ? '(no configured path, no resources dir)' : '(no configured path, no resources dir, empty PATH)']);
}

async function isExecutableFile(path: string): Promise<boolean> {
  try {
    const st = await stat(path);
    if (!st.isFile()) return false;
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
