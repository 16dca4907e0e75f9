// The gateway's HTTP request handler, independent of the listening server so that a test or an
// adversary wrapper (e.g. a recording gateway) can wrap `handle` and serve it from its own server.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GatewayError, isGatewayError, type GatewayErrorCode } from './errors.ts';
import { parseJson, readBody } from './body.ts';
import type { GatewayLimits } from './limits.ts';
import { RequestRateLimiter, type Clock } from './rate-limit.ts';
import { getRecords, putSignedRecord, verifyRecord, type RegistryDht } from './registry-dht.ts';
import { parseGetRequest, parsePutRequest, recordToJson } from './validation.ts';
// Version and paths of the API are defined once, with its JSON (docs/PROTOCOL.md "Gateway API (v1)").
import { GATEWAY_API_PATHS, GATEWAY_API_VERSION } from '../protocol/index.ts';

export { GATEWAY_API_VERSION };

/**
 * One structured log entry. Entries carry route, status, code, timing and counts only: never a
 * key, value, signature or body byte (a gateway's log must not become a presence record).
 */
export type GatewayLogEntry = { event: string } & Record<string, string | number | boolean>;
export type GatewayLog = (entry: GatewayLogEntry) => void;

export type Route = 'put' | 'get' | 'health' | 'unknown';

/** What the metrics learn of one answered request: no key, value or client (docs/GATEWAY.md). */
export interface ServedRequest {
  route: Route;
  status: number;
  /** Set when the request was refused. */
  code?: GatewayErrorCode;
  ms: number;
  keys?: number;
}

interface RouteEntry {
  route: Exclude<Route, 'unknown'>;
  method: string;
}

// A Map, not an object literal: request paths are attacker-chosen ('__proto__', 'constructor').
const ROUTES = new Map<string, RouteEntry>([
  [GATEWAY_API_PATHS.put, { route: 'put', method: 'POST' }],
  [GATEWAY_API_PATHS.get, { route: 'get', method: 'POST' }],
  [GATEWAY_API_PATHS.health, { route: 'health', method: 'GET' }],
]);

const LOGGED_METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH']);

export interface GatewayHandlerOptions {
  dht: RegistryDht;
  limits: GatewayLimits;
  log: GatewayLog;
  now: Clock;
  /** Called once per answered request (the gateway's metrics). */
  onServed?: (served: ServedRequest) => void;
}

export interface GatewayHandler {
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** After this, requests get 503 SHUTTING_DOWN and their connection is closed. */
  beginShutdown(): void;
}

export function createGatewayHandler(opts: GatewayHandlerOptions): GatewayHandler {
  const { dht, limits, log, now } = opts;
  const rateLimiter = new RequestRateLimiter({ perConnection: limits.perConnection, global: limits.global, now });
  const connectionIds = new WeakMap<object, number>();
  let nextConnectionId = 1;
  let shuttingDown = false;

  function connectionId(socket: object): number {
    let id = connectionIds.get(socket);
    if (id === undefined) {
      id = nextConnectionId++;
      connectionIds.set(socket, id);
    }
    return id;
  }

  function charge(socket: object, cost: number): void {
    const waitMs = rateLimiter.tryTake(socket, cost);
    if (waitMs > 0) throw GatewayError.RATE_LIMITED(Math.max(1, Math.ceil(waitMs / 1000)));
  }

  async function serve(
    req: IncomingMessage,
    res: ServerResponse,
    entry: RouteEntry | undefined,
  ): Promise<{ status: number; body: unknown; keys?: number }> {
    if (shuttingDown) throw GatewayError.SHUTTING_DOWN();
    charge(req.socket, 1);
    if (entry === undefined) throw GatewayError.NOT_FOUND();
    const route = entry.route;
    if (req.method !== entry.method) {
      res.setHeader('allow', entry.method);
      throw GatewayError.METHOD_NOT_ALLOWED();
    }
    const body = await readBody(req, limits.maxBodyBytes);

    if (route === 'health') {
      return {
        status: 200,
        body: {
          ok: true,
          version: GATEWAY_API_VERSION,
          limits: { maxValueBytes: limits.maxValueBytes, maxKeysPerGet: limits.maxKeysPerGet },
          dht: { ephemeral: dht.ephemeral, bootstrapped: dht.bootstrapped },
        },
      };
    }

    if (route === 'put') {
      const record = parsePutRequest(parseJson(body), limits);
      charge(req.socket, limits.putCost - 1);
      if (!verifyRecord(record)) throw GatewayError.BAD_SIGNATURE();
      await putSignedRecord(dht, record, { timeoutMs: limits.dhtTimeoutMs });
      return { status: 200, body: { ok: true } };
    }

    const { publicKeys } = parseGetRequest(parseJson(body), limits);
    charge(req.socket, publicKeys.length - 1);
    const records = await getRecords(dht, publicKeys, { timeoutMs: limits.dhtTimeoutMs });
    return {
      status: 200,
      body: { ok: true, records: records.map((r) => (r === null ? null : recordToJson(r))) },
      keys: publicKeys.length,
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const startedAt = now();
    const routeEntry = ROUTES.get(pathOf(req.url));
    const route: Route = routeEntry?.route ?? 'unknown';
    const entry: GatewayLogEntry = {
      event: 'request',
      conn: connectionId(req.socket),
      method: LOGGED_METHODS.has(req.method ?? '') ? (req.method as string) : 'OTHER',
      route,
    };
    let status: number;
    let payload: unknown;
    let code: GatewayErrorCode | undefined;
    try {
      const result = await serve(req, res, routeEntry);
      status = result.status;
      payload = result.body;
      if (result.keys !== undefined) entry.keys = result.keys;
    } catch (err) {
      const error = isGatewayError(err) ? err : GatewayError.INTERNAL();
      if (!isGatewayError(err)) entry.internal = err instanceof Error ? err.name : typeof err;
      status = error.status;
      payload = { ok: false, error: { code: error.code, message: error.message } };
      entry.code = error.code;
      code = error.code;
      if (error.retryAfterSeconds !== undefined) res.setHeader('retry-after', String(error.retryAfterSeconds));
      // A body we did not read to the end is never drained (it may be huge): close instead.
      if (!req.complete || shuttingDown) res.setHeader('connection', 'close');
    }
    entry.status = status;
    entry.ms = now() - startedAt;
    send(res, status, payload);
    log(entry);
    const served: ServedRequest = { route, status, ms: entry.ms };
    if (code !== undefined) served.code = code;
    if (typeof entry.keys === 'number') served.keys = entry.keys;
    opts.onServed?.(served);
  }

  return {
    handle,
    beginShutdown() {
      shuttingDown = true;
    },
  };
}

function pathOf(url: string | undefined): string {
  if (url === undefined) return '';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

function send(res: ServerResponse, status: number, payload: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const body = JSON.stringify(payload);
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(body));
  res.setHeader('cache-control', 'no-store');
  res.setHeader('x-content-type-options', 'nosniff');
  res.end(body);
}
