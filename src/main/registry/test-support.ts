// Shared by the registry's tests and benchmark (never imported by the app): a real loopback HyperDHT
// testnet with real gateways (src/gateway), and a proxy in front of a real gateway that can record
// what a gateway operator sees or misbehave the way a malicious gateway would.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { identityFromSeed, onionAddressFromPublicKey, roleOf } from '../../protocol/index.ts';
import { createGatewayHandler, resolveLimits, startGateway, type Gateway, type GatewayLimitsInput, type RegistryDht } from '../../gateway/index.ts';
import { OnionEndpoints, connectOnion, type TorProcess } from '../tor/index.ts';
import type { Identity } from './protocol.ts';
import type { RegistryContact } from './contacts.ts';
import { startDhtTestnet, type DhtTestnet } from '../../testbed/dht.ts';

// Tests publish whole hours in a few hundred ms from one address; the defaults are per Tor stream.
export const TEST_GATEWAY_LIMITS: GatewayLimitsInput = {
  perConnection: { burst: 1000, perSecond: 1000 },
  global: { burst: 100_000, perSecond: 100_000 },
};

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
      gateways.push(await startGateway({ bootstrap: dht.bootstrap, dhtHost: '127.0.0.1', limits: TEST_GATEWAY_LIMITS }));
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

/**
 * A gateway whose stream stalls silently: the connection is accepted and the request read, and no
 * answer ever comes (a Tor stream seen to do that about once in 50-150 under load). `held` is the
 * number of requests it is holding now; `cut` resolves when the next held request is closed by
 * the client.
 */
export interface StalledGateway {
  url: string;
  readonly held: number;
  cut(): Promise<void>;
  close(): Promise<void>;
}

export async function startStalledGateway(): Promise<StalledGateway> {
  const open = new Set<http.ServerResponse>();
  const waiting: (() => void)[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    open.add(res);
    res.on('close', () => {
      open.delete(res);
      waiting.splice(0).forEach((resolve) => resolve());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get held() {
      return open.size;
    },
    cut: () => new Promise<void>((resolve) => waiting.push(resolve)),
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
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

/**
 * How a malicious gateway lies (issue 4: "drops, replays older records or flips bytes"):
 * - `honest`: relays the real handler untouched;
 * - `hangup`: drops every request, puts included (closes the stream without an answer);
 * - `hide`: stores puts but answers every get with "no record" (drops entries from answers);
 * - `replay`: answers each key with the oldest record it ever served for it (a genuinely signed
 *   but stale record: its signature verifies, only its seq gives it away);
 * - `flip`: flips one byte of every returned value (the signature no longer verifies).
 */
export type GatewayMisbehaviour = 'honest' | 'hangup' | 'hide' | 'replay' | 'flip';

export interface MaliciousGateway {
  url: string;
  port: number;
  /** Switchable between cases, so one onion serves every case of a test file. */
  misbehaviour: GatewayMisbehaviour;
  /** Requests seen per route, whatever was done with them. */
  seen: { put: number; get: number };
  close(): Promise<void>;
}

interface RecordWire {
  publicKey: string;
  seq: number;
  value: string;
  signature: string;
}

function isRecordWire(v: unknown): v is RecordWire {
  const r = v as Partial<RecordWire> | null;
  return typeof r === 'object' && r !== null && typeof r.publicKey === 'string' && typeof r.seq === 'number' && typeof r.value === 'string';
}

/**
 * A gateway operator who runs the real gateway code (`createGatewayHandler` on its own DHT client)
 * and lies on the way out: the answer the real handler writes is rewritten before it leaves.
 */
export async function startMaliciousGateway(opts: { dht: RegistryDht; misbehaviour?: GatewayMisbehaviour; limits?: GatewayLimitsInput }): Promise<MaliciousGateway> {
  const handler = createGatewayHandler({ dht: opts.dht, limits: resolveLimits(opts.limits ?? TEST_GATEWAY_LIMITS), log: () => {}, now: Date.now });
  const oldest = new Map<string, RecordWire>();
  const rewrite = (mode: GatewayMisbehaviour, answer: { ok?: unknown; records?: unknown }): unknown => {
    if (answer.ok !== true || !Array.isArray(answer.records)) return answer;
    const records = answer.records.map((r: unknown) => {
      if (!isRecordWire(r)) return r;
      const first = oldest.get(r.publicKey);
      if (first === undefined || r.seq < first.seq) oldest.set(r.publicKey, r);
      if (mode === 'hide') return null;
      if (mode === 'replay') return oldest.get(r.publicKey);
      if (mode === 'flip') {
        const bytes = Buffer.from(r.value, 'base64');
        bytes[7] = (bytes[7] ?? 0) ^ 0x20;
        return { ...r, value: bytes.toString('base64') };
      }
      return r;
    });
    return { ...answer, records };
  };
  const gateway: MaliciousGateway = {
    url: '',
    port: 0,
    misbehaviour: opts.misbehaviour ?? 'honest',
    seen: { put: 0, get: 0 },
    close: async () => {},
  };
  const server = http.createServer((req, res) => {
    const mode = gateway.misbehaviour;
    const route = req.url === '/v1/put' ? 'put' : req.url === '/v1/get' ? 'get' : null;
    if (route !== null) gateway.seen[route]++;
    if (mode === 'hangup' && route !== null) {
      req.socket.destroy();
      return;
    }
    if (route === 'get' && mode !== 'honest') {
      // The handler answers with one res.end(json): lie in it (content-length is set just before).
      const end = res.end.bind(res) as (chunk: string | Buffer) => http.ServerResponse;
      Object.assign(res, {
        end(chunk: unknown) {
          let out = typeof chunk === 'string' || Buffer.isBuffer(chunk) ? chunk : '';
          try {
            out = JSON.stringify(rewrite(mode, JSON.parse(out.toString()) as { ok?: unknown; records?: unknown }));
          } catch {
            // not JSON: relayed as is
          }
          if (!res.headersSent) res.setHeader('content-length', Buffer.byteLength(out));
          return end(out);
        },
      });
    }
    handler.handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  gateway.port = (server.address() as AddressInfo).port;
  gateway.url = `http://127.0.0.1:${gateway.port}`;
  gateway.close = () => new Promise<void>((resolve) => {
    handler.beginShutdown();
    server.closeAllConnections();
    server.close(() => resolve());
  });
  return gateway;
}

/**
 * Publishes loopback HTTP servers as public onion services (no client auth: gateways are public)
 * on `tor`, and waits until each answers through Tor: right after HS_DESC UPLOADED a client may
 * still get 0xF0-0xF3 for a few seconds (TESTBED-NOTES), which a test must not mistake for a fault.
 * Returns `http://<onion>:80` per port, in order. The onions die with tor's control connection.
 */
export async function publishTestOnions(tor: TorProcess, ports: number[], signal?: AbortSignal): Promise<string[]> {
  const socksPort = tor.socksPort;
  if (socksPort === null) throw new Error('tor has no SOCKS port yet');
  const endpoints = new OnionEndpoints({ control: tor.control, maxPendingCreates: ports.length });
  const created = await Promise.all(ports.map((port) => endpoints.create({ clientAuthPublicKeys: [], target: { host: '127.0.0.1', port }, virtualPort: 80, signal })));
  await Promise.all(created.map(async (e) => {
    const socket = await connectOnion({ socksPort, serviceId: e.serviceId, port: 80, timeoutMs: 15_000, signal });
    socket.destroy();
  }));
  return created.map((e) => `http://${e.serviceId}.onion:80`);
}
