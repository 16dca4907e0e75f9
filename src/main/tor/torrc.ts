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
    // A used circuit with no stream left is closed after this, not after tor's 10 min: every
    // registry request has circuits of its own (isolation), so tor kept thousands open (500
    // contacts: ~3,900; 100 contacts at rest: 1,927 with 600 s, 421 with 60 s; its RSS did not
    // move with it, bench/contacts500.bench.ts). A circuit still carrying a stream (a link) is
    // never closed for dirtiness.
    'MaxCircuitDirtiness 60',
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
