// One HTTP/1.1 request over a stream we open ourselves (a Tor SOCKS stream in production), with a
// deadline, an abort signal and a cap on the answer's size. node:http does the parsing; we only
// hand it the socket through `createConnection`, and forbid DNS: a gateway's .onion name must
// never reach the system resolver (that would tell the local network which gateway we use).
import http from 'node:http';
import type { Duplex } from 'node:stream';
import { RegistryError } from './errors.ts';

/** Opens a byte stream to host:port; in production through Tor with a fresh isolation credential. */
export type StreamConnector = (target: { host: string; port: number }, signal: AbortSignal) => Promise<Duplex>;

export interface JsonExchange {
  connect: StreamConnector;
  gateway: string; // name for errors and logs
  url: URL; // gateway base URL, http only
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  timeoutMs: number;
  maxResponseBytes: number;
  signal?: AbortSignal | undefined;
}

export interface JsonAnswer {
  status: number;
  json: unknown;
  /** Seconds from a `Retry-After: <seconds>` header (the gateway's 429), when present and sane. */
  retryAfterSeconds?: number;
}

function retryAfterSeconds(header: string | string[] | undefined): number | undefined {
  if (typeof header !== 'string' || !/^\d{1,6}$/.test(header)) return undefined;
  return Number(header);
}

export async function exchangeJson(req: JsonExchange): Promise<JsonAnswer> {
  if (req.url.protocol !== 'http:') throw RegistryError.BAD_INPUT(`gateway URL must be http:// (Tor encrypts onion streams), got ${req.url.protocol}`);
  if (req.signal?.aborted) throw RegistryError.ABORTED('gateway request');
  const host = req.url.hostname;
  const port = req.url.port === '' ? 80 : Number(req.url.port);
  const base = req.url.pathname.replace(/\/+$/, '');
  const payload = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body));

  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), req.timeoutMs);
  const onOuterAbort = (): void => deadline.abort();
  req.signal?.addEventListener('abort', onOuterAbort, { once: true });
  let stream: Duplex | undefined;
  try {
    return await new Promise<JsonAnswer>((resolve, reject) => {
      const fail = (err: RegistryError): void => {
        stream?.destroy();
        reject(err);
      };
      deadline.signal.addEventListener('abort', () => {
        if (req.signal?.aborted) fail(RegistryError.ABORTED('gateway request'));
        else fail(RegistryError.GATEWAY_TIMEOUT(req.gateway, req.timeoutMs));
      }, { once: true });

      const request = http.request({
        host,
        port,
        method: req.method,
        path: `${base}${req.path}`,
        headers: payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': payload.length },
        // Never resolve names locally: the stream is opened by `connect` (SOCKS resolves remotely).
        lookup: (_host: string, _opts: unknown, cb: (err: Error) => void) => cb(new Error('DNS is forbidden for gateway requests')),
        createConnection: (_opts: unknown, cb: (err: Error | null, socket?: Duplex) => void) => {
          req.connect({ host, port }, deadline.signal).then(
            (s) => {
              stream = s;
              if (deadline.signal.aborted) s.destroy();
              cb(null, s);
            },
            (err: unknown) => cb(err instanceof Error ? err : new Error(String(err))),
          );
          return undefined;
        },
      } as http.RequestOptions, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > req.maxResponseBytes) {
            fail(RegistryError.BAD_ANSWER(req.gateway, `answer larger than ${req.maxResponseBytes} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', (err) => fail(RegistryError.GATEWAY_UNREACHABLE(req.gateway, err)));
        res.on('end', () => {
          let json: unknown;
          try {
            json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            fail(RegistryError.BAD_ANSWER(req.gateway, `HTTP ${res.statusCode ?? '?'} with a body that is not JSON`));
            return;
          }
          const retryAfter = retryAfterSeconds(res.headers['retry-after']);
          resolve({ status: res.statusCode ?? 0, json, ...(retryAfter === undefined ? {} : { retryAfterSeconds: retryAfter }) });
        });
      });
      request.on('error', (err) => fail(RegistryError.GATEWAY_UNREACHABLE(req.gateway, err)));
      request.end(payload);
    });
  } finally {
    clearTimeout(timer);
    req.signal?.removeEventListener('abort', onOuterAbort);
    stream?.destroy();
  }
}
