// Starts the registry gateway: an ephemeral HyperDHT client behind an HTTP JSON server on a local
// port (DESIGN D4). Clients reach it only through Tor, as an onion service whose target is this
// port, so every connection comes from 127.0.0.1 and "per connection" means "per Tor stream".
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { GATEWAY_ERROR_STATUS, type GatewayErrorCode } from './errors.ts';
import { createGatewayHandler, type GatewayLog } from './handler.ts';
import { resolveLimits, type GatewayLimits, type GatewayLimitsInput } from './limits.ts';
import { GatewayMetrics } from './metrics.ts';
import { startMonitor, type GatewayMonitor } from './monitor.ts';
import type { Clock } from './rate-limit.ts';
import { createGatewayDht, type RegistryDht } from './registry-dht.ts';

export interface GatewayOptions {
  /** A DHT to use (the caller keeps ownership); otherwise the gateway creates an ephemeral one. */
  dht?: RegistryDht;
  /** Bootstrap nodes `host:port` for the DHT the gateway creates (default: the public HyperDHT). */
  bootstrap?: string[];
  /** UDP bind address and port of the DHT the gateway creates (127.0.0.1 for a loopback testnet). */
  dhtHost?: string;
  dhtPort?: number;
  /** Congestion window of the DHT the gateway creates (default GATEWAY_MAX_WINDOW). */
  maxWindow?: number;
  /** HTTP listen address: loopback by default, the onion service forwards to it. */
  host?: string;
  port?: number;
  limits?: GatewayLimitsInput;
  log?: GatewayLog;
  now?: Clock;
  /** Time open connections get to finish when closing before they are cut. */
  closeGraceMs?: number;
  /**
   * Port of /healthz and /metrics on 127.0.0.1 (0 = any free port); undefined = not served. Never
   * the API port: the onion forwards only to that one (docs/GATEWAY.md).
   */
  monitorPort?: number;
}

export interface Gateway {
  url: string;
  host: string;
  port: number;
  dht: RegistryDht;
  limits: GatewayLimits;
  metrics: GatewayMetrics;
  /** `http://127.0.0.1:port` of /healthz and /metrics when `monitorPort` was given. */
  monitorUrl: string | undefined;
  close(): Promise<void>;
}

const noLog: GatewayLog = () => {};

export async function startGateway(opts: GatewayOptions = {}): Promise<Gateway> {
  const limits = resolveLimits(opts.limits);
  const log = opts.log ?? noLog;
  const now = opts.now ?? Date.now;
  const host = opts.host ?? '127.0.0.1';
  const ownsDht = opts.dht === undefined;
  const dhtOpts: Parameters<typeof createGatewayDht>[0] = {};
  if (opts.bootstrap !== undefined) dhtOpts.bootstrap = opts.bootstrap;
  if (opts.dhtHost !== undefined) dhtOpts.host = opts.dhtHost;
  if (opts.dhtPort !== undefined) dhtOpts.port = opts.dhtPort;
  if (opts.maxWindow !== undefined) dhtOpts.maxWindow = opts.maxWindow;
  const dht = opts.dht ?? createGatewayDht(dhtOpts);

  let server: Server | undefined;
  let monitor: GatewayMonitor | undefined;
  const metrics = new GatewayMetrics();
  try {
    if (ownsDht) await dht.fullyBootstrapped();
    const handler = createGatewayHandler({ dht, limits, log, now, onServed: (served) => metrics.observe(served) });
    server = createServer({
      maxHeaderSize: limits.maxHeaderBytes,
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
    });
    server.maxRequestsPerSocket = limits.maxRequestsPerSocket;
    server.maxConnections = limits.maxConnections;
    server.setTimeout(limits.idleSocketTimeoutMs, (socket) => socket.destroy());
    server.on('request', (req, res) => {
      handler.handle(req, res).catch(() => res.destroy());
    });
    server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
      // Malformed HTTP never reaches the handler; answer it with a coded error as well.
      const code: GatewayErrorCode = err.code === 'HPE_HEADER_OVERFLOW'
        ? 'HEADERS_TOO_LARGE'
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 'REQUEST_TIMEOUT' : 'BAD_REQUEST';
      log({ event: 'client_error', code });
      metrics.refuse('unknown', code);
      if (socket.writable && !socket.destroyed) {
        const body = JSON.stringify({ ok: false, error: { code, message: 'malformed HTTP request' } });
        socket.end(`HTTP/1.1 ${GATEWAY_ERROR_STATUS[code]} Error\r\ncontent-type: application/json\r\n` +
          `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
      }
      socket.destroy();
    });
    const listening = server;
    await new Promise<void>((resolve, reject) => {
      listening.once('error', reject);
      listening.listen(opts.port ?? 0, host, () => {
        listening.off('error', reject);
        resolve();
      });
    });
    const address = listening.address();
    if (address === null || typeof address === 'string') throw new Error('gateway has no TCP address');
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
    if (opts.monitorPort !== undefined) {
      monitor = await startMonitor({ port: opts.monitorPort, metrics, dht });
      log({ event: 'monitor_listening', port: monitor.port });
    }
    log({ event: 'listening', port: address.port, ephemeral: dht.ephemeral, maxValueBytes: limits.maxValueBytes });

    let closing: Promise<void> | undefined;
    const close = (): Promise<void> => {
      closing ??= (async () => {
        handler.beginShutdown();
        const closed = new Promise<void>((resolve) => listening.close(() => resolve()));
        listening.closeIdleConnections();
        const grace = setTimeout(() => listening.closeAllConnections(), opts.closeGraceMs ?? 2_000);
        await closed;
        clearTimeout(grace);
        await monitor?.close();
        if (ownsDht) await dht.destroy();
        log({ event: 'closed' });
      })();
      return closing;
    };
    return { url, host, port: address.port, dht, limits, metrics, monitorUrl: monitor?.url, close };
  } catch (err) {
    server?.close();
    await monitor?.close();
    if (ownsDht) await dht.destroy();
    throw err;
  }
}
