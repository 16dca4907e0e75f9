// `npm run fetch-tor -- [--target linux-x64,win32-x64,darwin-x64,darwin-arm64] [--from-system [PATH]]`
// Downloads the pinned Tor Expert Bundle for each target (default: all four), checks its pinned
// SHA-256 and unpacks it into resources/tor/<platform>-<arch>/ for electron-builder to ship
// (docs/ARCHITECTURE.md "Tor binary"). `--from-system` copies Debian's tor for a local linux-x64
// build instead. Failures print one line with a code, never a stack trace, and exit 1.
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { copySystemTor, fetchTorBundle, FetchTorError, isTorTarget, readPins, TOR_TARGETS, type TorTarget } from './tor-bundle.ts';

const USAGE = `usage: npm run fetch-tor -- [options]
  --target T[,T...]     ${TOR_TARGETS.join(', ')} (default: all)
  --from-system [PATH]  copy Debian's tor (default /usr/bin/tor) for a local linux-x64 build
  --pins FILE           pin file (default scripts/tor-pins.json)
  --base-url URL        download from this directory instead of the pin file's (a mirror)
  --resources DIR       output root (default resources/; tor goes to DIR/tor/<target>/)`;

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: {
      target: { type: 'string' },
      'from-system': { type: 'boolean' },
      pins: { type: 'string' },
      'base-url': { type: 'string' },
      resources: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const resourcesDir = values.resources ?? fileURLToPath(new URL('../resources/', import.meta.url));
  if (values['from-system']) {
    if (positionals.length > 1) throw new FetchTorError('TOR_BAD_TARGET', '--from-system takes at most one path');
    const dest = await copySystemTor({ resourcesDir, torPath: positionals[0] ?? '/usr/bin/tor', platform: process.platform, arch: process.arch });
    process.stdout.write(`copied the system tor to ${dest}\n`);
    return;
  }
  if (positionals.length > 0) throw new FetchTorError('TOR_BAD_TARGET', `unexpected argument ${positionals[0]}\n${USAGE}`);
  const pins = await readPins(values.pins ?? fileURLToPath(new URL('./tor-pins.json', import.meta.url)));
  if (values['base-url'] !== undefined) pins.baseUrl = values['base-url'].endsWith('/') ? values['base-url'] : `${values['base-url']}/`;
  const targets: TorTarget[] = [];
  for (const name of (values.target ?? TOR_TARGETS.join(',')).split(',').map((t) => t.trim())) {
    if (!isTorTarget(name)) throw new FetchTorError('TOR_BAD_TARGET', `unknown target ${name}; one of ${TOR_TARGETS.join(', ')}`);
    targets.push(name);
  }
  // Every target's pin is checked before anything is downloaded: no half-fetched set.
  const unpinned = targets.filter((t) => pins.bundles[t].sha256 === null);
  if (unpinned.length > 0) {
    throw new FetchTorError('TOR_PIN_MISSING',
      `no SHA-256 pinned for ${unpinned.join(', ')}; fill "sha256" in scripts/tor-pins.json from the signed sha256sums-signed-build.txt of Tor Browser ${pins.version} (check its .asc signature first), or fetch only pinned targets with --target`);
  }
  for (const target of targets) {
    const tor = await fetchTorBundle({ pins, target, resourcesDir });
    process.stdout.write(`${target}: ${tor}\n`);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  const code = err instanceof FetchTorError ? err.code : err instanceof TypeError && 'code' in err ? String(err.code) : 'FETCH_TOR_FAILED';
  process.stderr.write(`fetch-tor: ${err instanceof Error ? err.message : String(err)} [${code}]\n`);
  process.exitCode = 1;
});
