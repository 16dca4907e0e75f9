// The torrc a profile's tor runs with. Written by us into the DataDirectory on every start, so
// nothing from /etc/tor/torrc or a user's file leaks in (tor is also given an empty defaults file).
import { TorError } from './errors.ts';

export interface TorrcOptions {
  dataDir: string;
  /** 'auto' lets tor pick a free port; we read it back from `controlPortFile`. */
  controlPort: number | 'auto';
  controlPortFile: string;
  cookieFile: string;
  socksPort: number | 'auto';
  owningPid: number;
  disableNetwork: boolean;
  /** An empty file used as GeoIP database: clients do not need it; saves ~35 MB RSS and ~1.5 s CPU (TESTBED-NOTES). */
  emptyFile: string;
  /** Lines appended last (the testbed's TestingTorNetwork/DirAuthority lines, user settings). */
  extraLines: string[];
}

export function buildTorrc(o: TorrcOptions): string {
  for (const line of o.extraLines) {
    // One option per line; a newline inside would let a caller-provided value add options.
    if (/[\r\n]/.test(line)) throw TorError.BAD_INPUT(`torrc line contains a line break: ${JSON.stringify(line)}`);
  }
  const lines = [
    `DataDirectory ${o.dataDir}`,
    // Loopback only: the control port grants full control of tor.
    `ControlPort 127.0.0.1:${o.controlPort}`,
    `ControlPortWriteToFile ${o.controlPortFile}`,
    'CookieAuthentication 1',
    `CookieAuthFile ${o.cookieFile}`,
    // ExtendedErrors: SOCKS replies 0xF0-0xF7 tell why an onion connect failed (missing or wrong
    // client auth vs. descriptor not there yet), which decides whether to retry.
    `SocksPort 127.0.0.1:${o.socksPort} ExtendedErrors`,
    // tor exits when our process does (checked by tor about every 15 s; TAKEOWNERSHIP on the
    // control connection makes it immediate).
    `__OwningControllerProcess ${o.owningPid}`,
    `DisableNetwork ${o.disableNetwork ? 1 : 0}`,
    'Log notice stdout',
    `GeoIPFile ${o.emptyFile}`,
    `GeoIPv6File ${o.emptyFile}`,
    'AvoidDiskWrites 1',
    // A used circuit with no stream left is closed 10 s (tor's minimum) after its last use, not
    // after tor's 10 min; tor looks for such circuits every NewCircuitPeriod (30 s by default;
    // the same pass resets its count of failed circuit builds), so that is shortened too. Every
    // registry request has circuits of its own (isolation) that nothing reuses, so these two
    // only set how many tor holds at once (request rate x window), and tor's RSS keeps that
    // peak: glibc cannot give back freed heap below the top (after a peak 38 of a 43 MB heap was
    // free chunks; malloc_trim gave it back), and a circuit costs ~12 KB. 32 onions + 1,536
    // isolated gets (bench/tor-rss.bench.ts, docs/ARCHITECTURE.md "Speed"): RSS 48.1 MB with
    // 60 s / 30 s, 32.8 MB with 10 s / 30 s, 26.2 MB with 10 s / 10 s; the gets took no longer
    // (92 / 88 / 87 s). Each registry circuit is still used once; a circuit carrying a stream (a
    // link) is never closed for dirtiness; a link re-dialed after 10 s idle builds a fresh one.
    'MaxCircuitDirtiness 10',
    'NewCircuitPeriod 10',
    ...o.extraLines,
  ];
  return `${lines.join('\n')}\n`;
}

/** Parses `PORT=127.0.0.1:9051` as written by ControlPortWriteToFile. */
export function parseControlPortFile(text: string): { host: string; port: number } | null {
  const m = /^PORT=([0-9.]+):([0-9]+)\s*$/m.exec(text);
  if (!m) return null;
  const port = Number(m[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return null;
  return { host: m[1]!, port };
}

/** Parses GETINFO net/listeners/socks: space-separated quoted `"127.0.0.1:9050"` entries. */
export function parseSocksListeners(value: string): number[] {
  const ports: number[] = [];
  for (const m of value.matchAll(/"?(?:[0-9.]+|\[[0-9a-fA-F:]+\]):([0-9]+)"?/g)) ports.push(Number(m[1]));
  return ports;
}
