// Fetches, checks and unpacks one Tor Expert Bundle into resources/tor/<platform>-<arch>/, the
// place src/main/tor/binary.ts looks second and electron-builder.yml ships (docs/ARCHITECTURE.md
// "Tor binary"). Nothing lands in resources/ before the SHA-256 matches the pin, and a failed
// unpack leaves nothing behind. Used by scripts/fetch-tor.ts; tested on a local fixture archive.
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { access, chmod, copyFile, mkdir, mkdtemp, readFile, rename, rm, rmdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { extract } from 'tar';
import { z } from 'zod';

export const TOR_TARGETS = ['linux-x64', 'win32-x64', 'darwin-x64', 'darwin-arm64'] as const;
export type TorTarget = (typeof TOR_TARGETS)[number];

export type FetchTorErrorCode =
  | 'TOR_PINS_INVALID' | 'TOR_PIN_MISSING' | 'TOR_OFFLINE' | 'TOR_DOWNLOAD_FAILED'
  | 'TOR_CHECKSUM_MISMATCH' | 'TOR_BUNDLE_INVALID' | 'TOR_BAD_TARGET' | 'TOR_SYSTEM_COPY_FAILED';

export class FetchTorError extends Error {
  readonly code: FetchTorErrorCode;
  constructor(code: FetchTorErrorCode, message: string) {
    super(message);
    this.name = 'FetchTorError';
    this.code = code;
  }
}

const SHA256 = /^[0-9a-f]{64}$/;
const bundlePin = z.object({
  file: z.string().regex(/^[A-Za-z0-9._-]+\.tar\.gz$/),
  sha256: z.string().regex(SHA256, 'sha256 must be 64 lowercase hex digits').nullable(),
});
const pinsSchema = z.object({
  version: z.string().min(1),
  baseUrl: z.string().regex(/^https?:\/\/[^\s]+\/$/, 'baseUrl must be an http(s) URL ending in /'),
  bundles: z.object({ 'linux-x64': bundlePin, 'win32-x64': bundlePin, 'darwin-x64': bundlePin, 'darwin-arm64': bundlePin }),
});
export type TorPins = z.infer<typeof pinsSchema>;

export async function readPins(path: string): Promise<TorPins> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new FetchTorError('TOR_PINS_INVALID', `cannot read the pin file ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const parsed = pinsSchema.safeParse(data);
  if (!parsed.success) {
    throw new FetchTorError('TOR_PINS_INVALID', `the pin file ${path} is malformed: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

export function isTorTarget(name: string): name is TorTarget {
  return (TOR_TARGETS as readonly string[]).includes(name);
}

function exeOf(target: TorTarget): string {
  return target.startsWith('win32-') ? 'tor.exe' : 'tor';
}

/** Downloads `url` to `file` while hashing it; returns the hex SHA-256. Network failures are TOR_OFFLINE. */
async function download(url: string, file: string, timeoutMs: number): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
  } catch (err) {
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
    const reason = cause instanceof Error ? (('code' in cause && typeof cause.code === 'string') ? cause.code : cause.message) : String(cause);
    throw new FetchTorError('TOR_OFFLINE', `cannot reach ${new URL(url).host} (${reason}). fetch-tor needs the network; offline, use \`npm run fetch-tor -- --from-system\` for a local Linux build.`);
  }
  if (!response.ok || response.body === null) {
    throw new FetchTorError('TOR_DOWNLOAD_FAILED', `${url} answered HTTP ${response.status}; the pinned version may have moved to https://archive.torproject.org/tor-package-archive/torbrowser/ (set baseUrl in the pin file)`);
  }
  const hash = createHash('sha256');
  const hashing = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(response.body), hashing, createWriteStream(file, { mode: 0o600 }));
  } catch (err) {
    throw new FetchTorError('TOR_OFFLINE', `the download of ${url} broke off (${err instanceof Error ? err.message : String(err)})`);
  }
  return hash.digest('hex');
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(() => true, () => false);
}

/**
 * Unpacks a verified archive into `<resourcesDir>/tor/<target>/`: the bundle's `tor/` directory
 * becomes the target directory (tor and its libraries side by side), its `data/` goes to `data/`.
 * Only files, directories and relative in-tree links are written; the old directory is replaced
 * only once the new one is complete.
 */
async function unpack(archive: string, resourcesDir: string, target: TorTarget): Promise<string> {
  const torRoot = join(resourcesDir, 'tor');
  await mkdir(torRoot, { recursive: true });
  const staging = join(torRoot, `.partial-${target}-${randomBytes(4).toString('hex')}`);
  await mkdir(staging);
  try {
    await extract({
      file: archive,
      cwd: staging,
      strict: true,
      filter: (path, entry) => {
        const type = 'type' in entry ? entry.type : undefined;
        if (type === 'File' || type === 'Directory') return true;
        const link = 'linkpath' in entry ? entry.linkpath : undefined;
        return type === 'SymbolicLink' && typeof link === 'string' && !isAbsolute(link) && !link.split('/').includes('..');
      },
    });
    const exe = exeOf(target);
    if (!(await exists(join(staging, 'tor', exe)))) {
      throw new FetchTorError('TOR_BUNDLE_INVALID', `the archive has no tor/${exe}: not a Tor Expert Bundle for ${target}`);
    }
    const finalDir = join(torRoot, target);
    const ready = join(staging, 'tor');
    if (await exists(join(staging, 'data'))) await rename(join(staging, 'data'), join(ready, 'data'));
    if (!target.startsWith('win32-')) await chmod(join(ready, exe), 0o755);
    await rm(finalDir, { recursive: true, force: true });
    await rename(ready, finalDir);
    return join(finalDir, exe);
  } catch (err) {
    if (err instanceof FetchTorError) throw err;
    throw new FetchTorError('TOR_BUNDLE_INVALID', `cannot unpack the bundle for ${target}: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    await rm(staging, { recursive: true, force: true });
    // Leave no empty resources/tor/ behind after a failure.
    await rmdir(torRoot).catch(() => {});
  }
}

export interface FetchBundleOptions {
  pins: TorPins;
  target: TorTarget;
  /** The repo's resources/ directory (gitignored). */
  resourcesDir: string;
  timeoutMs?: number;
}

/** Refuses a target without a pinned sum before any network use; returns the unpacked tor's path. */
export async function fetchTorBundle(opts: FetchBundleOptions): Promise<string> {
  const pin = opts.pins.bundles[opts.target];
  if (pin.sha256 === null) {
    throw new FetchTorError('TOR_PIN_MISSING',
      `no SHA-256 pinned for ${opts.target} (${pin.file}); fill "sha256" in scripts/tor-pins.json from the signed sha256sums-signed-build.txt of Tor Browser ${opts.pins.version} before fetching`);
  }
  const work = await mkdtemp(join(tmpdir(), 'sotto-fetch-tor-'));
  try {
    const archive = join(work, pin.file);
    const actual = await download(`${opts.pins.baseUrl}${pin.file}`, archive, opts.timeoutMs ?? 300_000);
    if (actual !== pin.sha256) {
      throw new FetchTorError('TOR_CHECKSUM_MISMATCH', `${pin.file} has SHA-256 ${actual}, pinned ${pin.sha256}: refused, nothing unpacked`);
    }
    return await unpack(archive, opts.resourcesDir, opts.target);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** A local Linux build: Debian's tor (linked against the system's libraries) in place of the bundle. */
export async function copySystemTor(opts: { resourcesDir: string; torPath: string; platform: NodeJS.Platform; arch: string }): Promise<string> {
  const target = `${opts.platform}-${opts.arch}`;
  if (target !== 'linux-x64') {
    throw new FetchTorError('TOR_BAD_TARGET', `--from-system is for a local linux-x64 build; this machine is ${target}`);
  }
  const st = await stat(opts.torPath).catch(() => null);
  if (st === null || !st.isFile()) {
    throw new FetchTorError('TOR_SYSTEM_COPY_FAILED', `${opts.torPath} is not a file; install Debian's tor (sudo apt-get install -y tor) or pass its path`);
  }
  const dir = join(opts.resourcesDir, 'tor', target);
  await mkdir(dir, { recursive: true });
  const dest = join(dir, 'tor');
  await copyFile(opts.torPath, dest);
  await chmod(dest, 0o755);
  return dest;
}
