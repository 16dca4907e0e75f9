// The browser host (docs/ARCHITECTURE.md "Browser host", docs/THREAT-MODEL.md "Local browser
// host"): serves the built renderer on 127.0.0.1 and bridges the IPC contract over a WebSocket, so
// Sotto runs in any browser where Electron cannot. Every window of the profile shares its one core
// through one IpcHandler.
//   - a per-launch 256-bit token, given only in the URL fragment (never sent in a request line,
//     never logged), is the first WebSocket message;
//   - Host must be our own address (DNS rebinding) and a WebSocket's Origin our own page
//     (cross-site WebSocket hijacking); a strict CSP on every page;
//   - frames are bounded (maxPayload), calls per connection rate limited, connections capped.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { Duplex } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { WebSocketServer } from 'ws';
import { BRIDGE_PATH, CLOSE_CODES, MAX_IMAGE_BASE64_CHARS, TOKEN_FRAGMENT_KEY } from '../../ipc/index.ts';
import type { IpcHandler } from './ipc-handler.ts';
import { allowedHosts, allowedOrigins, contentType, securityHeaders, staticPath } from './http-policy.ts';
import { DEFAULT_BRIDGE_LIMITS, WsBridge, type BridgeLimits } from './ws-bridge.ts';

/** The largest call: a QR image (base64) plus its JSON frame. */
export const MAX_FRAME_BYTES = MAX_IMAGE_BASE64_CHARS + 64 * 1024;
/** Windows of one profile open at once; more is a runaway script, not a person. */
export const MAX_CONNECTIONS = 32;

export interface BrowserHostOptions {
  handler: IpcHandler;
  /** The Vite build (dist/renderer). */
  staticDir: string;
  /** 0 = a free port. */
  port?: number;
  /** 32 random bytes as hex; default: fresh from the CSPRNG. */
  token?: string;
  limits?: Partial<BridgeLimits>;
  maxFrameBytes?: number;
  maxConnections?: number;
  /** Diagnostics (stderr in the CLI). Never given the token. */
  log?: (line: string) => void;
  now?: () => number;
  /** How long a new connection has to send the token (default AUTH_TIMEOUT_MS, 5 s). */
  authTimeoutMs?: number;
}

export interface BrowserHost {
  port: number;
  /** http://127.0.0.1:<port>/#t=<token>: the one place the token appears. */
  url: string;
  origin: string;
  connections(): number;
  close(): Promise<void>;
}

export function newToken(): string {
  return randomBytes(32).toString('hex');
}

function refuseUpgrade(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
}

export async function startBrowserHost(o: BrowserHostOptions): Promise<BrowserHost> {
  const token = o.token ?? newToken();
  const log = o.log ?? (() => undefined);
  const now = o.now ?? Date.now;
  const limits = { ...DEFAULT_BRIDGE_LIMITS, ...o.limits };
  const root = resolve(o.staticDir);
  const server = createServer();
  const wss = new WebSocketServer({ noServer: true, maxPayload: o.maxFrameBytes ?? MAX_FRAME_BYTES });
  let port = 0;
  let connectionCount = 0;

  const hostOk = (req: IncomingMessage): boolean => allowedHosts(port).has(req.headers.host ?? '');

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    void serveStatic(req, res).catch(() => { if (!res.headersSent) { res.writeHead(500); } res.end(); });
  });

  async function serveStatic(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const headers = securityHeaders(port);
    if (!hostOk(req)) {
      log(`refused a request for host ${JSON.stringify((req.headers.host ?? '').slice(0, 80))}`);
      res.writeHead(421, { ...headers, 'content-type': 'text/plain' }).end('wrong host\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...headers, allow: 'GET, HEAD' }).end();
      return;
    }
    const rel = staticPath(req.url ?? '/');
    const file = rel === null ? null : join(root, rel);
    if (file === null || !(file === root || file.startsWith(root + sep))) {
      res.writeHead(404, { ...headers, 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      const missing = rel === 'index.html';
      res.writeHead(missing ? 503 : 404, { ...headers, 'content-type': 'text/plain; charset=utf-8' })
        .end(missing ? 'The Sotto window is not built yet: run `npm run build:renderer`, then reload.\n' : 'not found\n');
      return;
    }
    res.writeHead(200, { ...headers, 'content-type': contentType(file), 'content-length': body.length });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== BRIDGE_PATH) return refuseUpgrade(socket, 404, 'Not Found');
    if (!hostOk(req)) {
      log('refused a WebSocket: wrong Host header');
      return refuseUpgrade(socket, 421, 'Misdirected Request');
    }
    if (!allowedOrigins(port).has(req.headers.origin ?? '')) {
      log(`refused a WebSocket from origin ${JSON.stringify((req.headers.origin ?? '(none)').slice(0, 80))}`);
      return refuseUpgrade(socket, 403, 'Forbidden');
    }
    if (wss.clients.size >= (o.maxConnections ?? MAX_CONNECTIONS)) {
      log('refused a WebSocket: too many windows open');
      return refuseUpgrade(socket, 503, 'Service Unavailable');
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const n = ++connectionCount;
      log(`connection ${n}: opened`);
      new WsBridge({ socket: ws, token, handler: o.handler, limits, now, setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout), log, n, ...(o.authTimeoutMs === undefined ? {} : { authTimeoutMs: o.authTimeoutMs }) });
    });
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, '127.0.0.1', () => { server.off('error', reject); resolveListen(); });
  });
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : 0;
  const origin = `http://127.0.0.1:${port}`;
  log(`serving ${root} on ${origin}`);

  let closing: Promise<void> | undefined;
  return {
    port,
    origin,
    url: `${origin}/#${TOKEN_FRAGMENT_KEY}=${token}`,
    connections: () => wss.clients.size,
    close: () => (closing ??= (async () => {
      for (const ws of wss.clients) ws.close(CLOSE_CODES.GOING_AWAY, 'host stopping');
      await new Promise<void>((r) => wss.close(() => r()));
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    })()),
  };
}
