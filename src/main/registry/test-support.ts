// Shared by the registry's tests and benchmark (never imported by the app): a real loopback HyperDHT
// testnet with real gateways (src/gateway), and a proxy in front of a real gateway that can record
// what a gateway operator sees or misbehave the way a malicious gateway would.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { identityFromSeed, onionAddressFromPublicKey, roleOf } from '../../protocol/index.ts';
import { startGateway, type Gateway } from '../../gateway/index.ts';
import type { Identity } from './protocol.ts';
import type { RegistryContact } from './contacts.ts';
import { startDhtTestnet, type DhtTestnet } from '../../testbed/dht.ts';

export interface RegistryNet {
  dht: DhtTestnet;
  gateways: Gateway[];
  close(): Promise<void>;
}

/** A DHT testnet (20 storers per record need >= 20 nodes) and `gateways` real gateways on it. */
export async function startRegistryNet(opts: { dhtSize?: number; gateways?: number } = {}): Promise<RegistryNet> {
  const dht = await startDhtTestnet({ size: opts.dhtSize ?? 24 });
  const gateways: Gateway[] = [];
  try {
    for (let i = 0; i < (opts.gateways ?? 2); i++) {
      gateways.push(await startGateway({
        bootstrap: dht.bootstrap,
        dhtHost: '127.0.0.1',
        // Tests publish whole hours in a few hundred ms from one address; the defaults are per Tor stream.
        limits: { perConnection: { burst: 1000, perSecond: 1000 }, global: { burst: 100_000, perSecond: 100_000 } },
      }));
    }
  } catch (err) {
    await Promise.all(gateways.map((g) => g.close()));
    await dht.destroy();
    throw err;
  }
  return {
    dht,
    gateways,
    async close() {
      await Promise.all(gateways.map((g) => g.close()));
      await dht.destroy();
    },
  };
}

export interface ProxiedRequest {
  at: number;
  method: string;
  path: string;
  body: Buffer;
}

export interface GatewayProxyOptions {
  target: string;
  /** Rewrites a JSON answer of the real gateway (the malicious part); return it unchanged to relay. */
  rewrite?: (path: string, request: unknown, answer: unknown) => unknown;
  /** Raw bytes to answer instead of asking the gateway at all (garbage, truncation). */
  replace?: (path: string, request: unknown) => { status: number; body: string } | undefined;
  now?: () => number;
}

export interface GatewayProxy {
  url: string;
  /** Every request as the gateway operator sees it, bytes included. */
  requests: ProxiedRequest[];
  close(): Promise<void>;
}

/** An HTTP server in front of a real gateway: records every request, optionally lies. */
export async function startGatewayProxy(opts: GatewayProxyOptions): Promise<GatewayProxy> {
  const requests: ProxiedRequest[] = [];
  const now = opts.now ?? Date.now;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const path = req.url ?? '/';
      requests.push({ at: now(), method: req.method ?? 'GET', path, body });
      let parsed: unknown = null;
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        // relayed as is; the gateway answers BAD_JSON
      }
      const replaced = opts.replace?.(path, parsed);
      if (replaced !== undefined) {
        res.writeHead(replaced.status, { 'content-type': 'application/json' }).end(replaced.body);
        return;
      }
      const upstream = http.request(`${opts.target}${path}`, {
        method: req.method,
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': body.length },
      }, (answer) => {
        const parts: Buffer[] = [];
        answer.on('data', (c: Buffer) => parts.push(c));
        answer.on('end', () => {
          let out = Buffer.concat(parts);
          if (opts.rewrite !== undefined) {
            try {
              out = Buffer.from(JSON.stringify(opts.rewrite(path, parsed, JSON.parse(out.toString('utf8')))));
            } catch {
              // not JSON: relay unchanged
            }
          }
          res.writeHead(answer.statusCode ?? 502, { 'content-type': 'application/json', 'content-length': out.length }).end(out);
        });
      });
      upstream.on('error', () => res.writeHead(502).end('{"ok":false,"error":{"code":"INTERNAL","message":"upstream"}}'));
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** A loopback URL where nothing listens: a gateway that is down. */
export async function deadGatewayUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** Two profiles that are contacts of each other (K_AB shared, roles from their identity keys). */
export interface ContactPair {
  a: { identity: Identity; contact: RegistryContact };
  b: { identity: Identity; contact: RegistryContact };
}

/** A v3 onion address for tests (a real encoding of random key bytes). */
export function randomOnion(): string {
  return onionAddressFromPublicKey(new Uint8Array(randomBytes(32)));
}

export function contactPair(opts: { aId?: string; bId?: string; expiresAt?: number } = {}): ContactPair {
  const ia = identityFromSeed(new Uint8Array(randomBytes(32)));
  const ib = identityFromSeed(new Uint8Array(randomBytes(32)));
  const sharedKey = new Uint8Array(randomBytes(32));
  const ra = roleOf(ia.publicKey, ib.publicKey);
  const rb = roleOf(ib.publicKey, ia.publicKey);
  const expiresAt = opts.expiresAt ?? Date.now() + 48 * 3_600_000;
  return {
    a: { identity: ia, contact: { id: opts.bId ?? 'bob', sharedKey, ownRole: ra, peerRole: rb, peerIdentityPk: ib.publicKey, visible: true, endpoint: { onion: randomOnion(), port: 9001, expiresAt } } },
    b: { identity: ib, contact: { id: opts.aId ?? 'alice', sharedKey, ownRole: rb, peerRole: ra, peerIdentityPk: ia.publicKey, visible: true, endpoint: { onion: randomOnion(), port: 9002, expiresAt } } },
  };
}

/** A clock a test sets; timers stay real (tests call publishNow/sweep themselves). */
export function settableClock(start: number): { now: () => number; set(ms: number): void; advance(ms: number): void } {
  let offset = start - Date.now();
  return {
    now: () => Date.now() + offset,
    set(ms) {
      offset = ms - Date.now();
    },
    advance(ms) {
      offset += ms;
    },
  };
}
