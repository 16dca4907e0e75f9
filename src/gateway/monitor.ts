// Health and metrics of a gateway on their own port, bound to 127.0.0.1 only: the onion service
// forwards to the API port, never here, so nobody reaching the gateway over Tor can read its
// counters (docs/GATEWAY.md "Health and metrics"). GET /healthz and GET /metrics, nothing else.
import { createServer } from 'node:http';
import type { GatewayMetrics } from './metrics.ts';
import type { RegistryDht } from './registry-dht.ts';

export const MONITOR_HOST = '127.0.0.1';

export interface GatewayMonitor {
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface MonitorOptions {
  /** 0 = any free port. */
  port: number;
  metrics: GatewayMetrics;
  dht: RegistryDht;
  /** Resident set size in bytes (process.memoryUsage.rss by default). */
  rss?: () => number;
}

/** Healthy = the DHT client is bootstrapped, alive and knows at least one node. */
export function dhtHealth(dht: RegistryDht): { healthy: boolean; bootstrapped: boolean; nodes: number } {
  const nodes = dht.destroyed ? 0 : dht.toArray().length;
  return { healthy: dht.bootstrapped && !dht.destroyed && nodes > 0, bootstrapped: dht.bootstrapped, nodes };
}

export async function startMonitor(opts: MonitorOptions): Promise<GatewayMonitor> {
  const rss = opts.rss ?? (() => process.memoryUsage.rss());
  const server = createServer({ headersTimeout: 5_000, requestTimeout: 5_000 }, (req, res) => {
    const path = (req.url ?? '').split('?')[0];
    res.setHeader('cache-control', 'no-store');
    if (req.method !== 'GET' || (path !== '/healthz' && path !== '/metrics')) {
      res.writeHead(req.method !== 'GET' ? 405 : 404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('GET /healthz or GET /metrics\n');
      return;
    }
    const health = dhtHealth(opts.dht);
    if (path === '/healthz') {
      res.writeHead(health.healthy ? 200 : 503, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ ok: health.healthy, dht: { bootstrapped: health.bootstrapped, nodes: health.nodes } }));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
    res.end(opts.metrics.render({ dhtNodes: health.nodes, dhtBootstrapped: health.bootstrapped, residentBytes: rss() }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, MONITOR_HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('monitor has no TCP address');
  let closing: Promise<void> | undefined;
  return {
    url: `http://${MONITOR_HOST}:${address.port}`,
    port: address.port,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
