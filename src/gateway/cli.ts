// `npm run gateway -- [options]`: one registry gateway process. Prints one JSON line with its URL
// (and onion address with --onion) on stdout; logs JSON lines on stderr. SIGINT/SIGTERM close it.
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findTorBinary } from '../main/tor/binary.ts';
import { TorProcess } from '../main/tor/process.ts';
import { GATEWAY_USAGE, parseGatewayArgs, UsageError } from './cli-args.ts';
import type { GatewayLogEntry } from './handler.ts';
import { publishGatewayOnion, type GatewayOnion } from './onion.ts';
import { startGateway, type GatewayOptions } from './server.ts';

function logLine(entry: GatewayLogEntry): void {
  process.stderr.write(`${JSON.stringify({ t: new Date().toISOString(), ...entry })}\n`);
}

async function main(): Promise<void> {
  let args;
  try {
    args = parseGatewayArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${err.message}\n${GATEWAY_USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  if (args.help) {
    process.stdout.write(`${GATEWAY_USAGE}\n`);
    return;
  }

  const opts: GatewayOptions = { host: args.host, port: args.port, monitorPort: args.monitorPort, log: logLine };
  if (args.bootstrap !== undefined) opts.bootstrap = args.bootstrap;
  if (args.dhtHost !== undefined) opts.dhtHost = args.dhtHost;
  if (args.maxWindow !== undefined) opts.maxWindow = args.maxWindow;
  if (args.maxValueBytes !== undefined) opts.limits = { maxValueBytes: args.maxValueBytes };
  const gateway = await startGateway(opts);

  let tor: TorProcess | undefined;
  let onion: GatewayOnion | undefined;
  const shutdown = async (): Promise<void> => {
    await onion?.remove();
    await tor?.stop();
    await gateway.close();
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());

  try {
    if (args.onion) {
      const dataDir = resolve(args.torDataDir ?? '.gateway-tor');
      await mkdir(dataDir, { recursive: true, mode: 0o700 });
      // --tor-path, then resources/tor/<platform>-<arch>/ (`npm run fetch-tor`), then tor on PATH.
      const torPath = await findTorBinary({
        configured: args.torPath, resourcesDir: fileURLToPath(new URL('../../resources/', import.meta.url)),
        platform: process.platform, arch: process.arch, pathEnv: process.env.PATH,
      });
      tor = new TorProcess({ torPath, dataDir, extraTorrc: args.torrcLines });
      await tor.start();
      await tor.waitBootstrapped();
      const publish = async (): Promise<void> => {
        if (tor === undefined) return;
        onion = await publishGatewayOnion(tor.control, { localPort: gateway.port, keyDir: dataDir });
        logLine({ event: 'onion_published', address: onion.address.slice(0, 8) });
      };
      await publish();
      // After a tor crash the onion is gone; the kept key brings back the same address.
      tor.on('restarted', () => void publish().catch((err: unknown) => logLine({ event: 'onion_failed', error: String(err).slice(0, 120) })));
    }
  } catch (err) {
    await shutdown();
    throw err;
  }
  process.stdout.write(`${JSON.stringify({ url: gateway.url, port: gateway.port, monitor: gateway.monitorUrl ?? null, onion: onion?.address ?? null })}\n`);
}

main().catch((err: unknown) => {
  // Same JSON line format as every other log line (journald and log shippers parse one format).
  const code = err instanceof Error && 'code' in err && typeof err.code === 'string' ? err.code : 'GATEWAY_FAILED';
  logLine({ event: 'failed', code, error: (err instanceof Error ? err.message : String(err)).slice(0, 300) });
  process.exitCode = 1;
});
