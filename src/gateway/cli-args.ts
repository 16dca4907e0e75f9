// Command line of `npm run gateway -- ...`, parsed strictly: an unknown flag or a malformed value
// is a usage error, never a silently ignored option (an onion flag typo must not expose nothing).
import { parseArgs } from 'node:util';

export interface GatewayCliOptions {
  /** `host:port` bootstrap nodes; undefined = the public HyperDHT bootstrap nodes. */
  bootstrap: string[] | undefined;
  host: string;
  port: number;
  /** Port of /healthz and /metrics on 127.0.0.1 (0 = any free port). */
  monitorPort: number;
  dhtHost: string | undefined;
  maxValueBytes: number | undefined;
  maxWindow: number | undefined;
  onion: boolean;
  torPath: string | undefined;
  torDataDir: string | undefined;
  torrcLines: string[];
  help: boolean;
}

export const GATEWAY_USAGE = `usage: npm run gateway -- [options]
  --bootstrap host:port,...   HyperDHT bootstrap nodes (default: the public HyperDHT)
  --host ADDR                 HTTP listen address (default 127.0.0.1; the onion service forwards here)
  --port N                    HTTP port (default 0 = any free port)
  --monitor-port N            /healthz and /metrics on 127.0.0.1:N, never on the onion (default 0 = any free port)
  --dht-host ADDR             UDP bind address of the DHT client (127.0.0.1 for a loopback testnet)
  --max-value-bytes N         largest record value accepted (default 1000)
  --max-window N              DHT congestion window (default 1000)
  --onion                     publish the gateway as an onion service through a tor it starts
  --tor-path PATH             tor binary (default: bundled, then tor on PATH)
  --tor-data-dir DIR          tor DataDirectory, also holds the onion key (same address after restarts)
  --torrc LINE                extra torrc line, repeatable (e.g. a private network's DirAuthority)
  --help`;

export class UsageError extends Error {
  readonly code = 'USAGE';
}

const HOST_PORT = /^[A-Za-z0-9.-]+:\d{1,5}$/;

function positiveInt(name: string, text: string | undefined, opts: { allowZero?: boolean; max?: number } = {}): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || (n === 0 && !opts.allowZero) || n > (opts.max ?? Number.MAX_SAFE_INTEGER)) {
    throw new UsageError(`--${name} must be a ${opts.allowZero ? 'non-negative' : 'positive'} integer`);
  }
  return n;
}

export function parseGatewayArgs(argv: string[]): GatewayCliOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        bootstrap: { type: 'string' },
        host: { type: 'string' },
        port: { type: 'string' },
        'monitor-port': { type: 'string' },
        'dht-host': { type: 'string' },
        'max-value-bytes': { type: 'string' },
        'max-window': { type: 'string' },
        onion: { type: 'boolean' },
        'tor-path': { type: 'string' },
        'tor-data-dir': { type: 'string' },
        torrc: { type: 'string', multiple: true },
        help: { type: 'boolean' },
      },
    }));
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  let bootstrap: string[] | undefined;
  if (values.bootstrap !== undefined) {
    bootstrap = values.bootstrap.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
    const bad = bootstrap.find((b) => !HOST_PORT.test(b));
    if (bad !== undefined || bootstrap.length === 0) throw new UsageError('--bootstrap must be host:port[,host:port...]');
  }
  const onion = values.onion ?? false;
  if (!onion && (values['tor-path'] !== undefined || values['tor-data-dir'] !== undefined || values.torrc !== undefined)) {
    throw new UsageError('--tor-path, --tor-data-dir and --torrc need --onion');
  }
  return {
    bootstrap,
    host: values.host ?? '127.0.0.1',
    port: positiveInt('port', values.port, { allowZero: true, max: 65535 }) ?? 0,
    monitorPort: positiveInt('monitor-port', values['monitor-port'], { allowZero: true, max: 65535 }) ?? 0,
    dhtHost: values['dht-host'],
    maxValueBytes: positiveInt('max-value-bytes', values['max-value-bytes'], { max: 1800 }),
    maxWindow: positiveInt('max-window', values['max-window']),
    onion,
    torPath: values['tor-path'],
    torDataDir: values['tor-data-dir'],
    torrcLines: values.torrc ?? [],
    help: values.help ?? false,
  };
}
