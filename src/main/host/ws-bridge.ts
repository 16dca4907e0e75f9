// One window's WebSocket in the browser host (docs/ARCHITECTURE.md "Browser host"): the token
// first, then calls into the shared IpcHandler, each answered with a Result; the profile's events
// pushed to every authorised window. Anything malformed gets a coded answer and the connection
// (and the core) stay up; only a missing or wrong token closes it.
import { timingSafeEqual } from 'node:crypto';
import type { WebSocket, RawData } from 'ws';
import {
  AUTH_TIMEOUT_MS, CLOSE_CODES, IPC_ERRORS, TOKEN_PATTERN, authMessageSchema, callMessageSchema, fail,
  type Result, type SottoEvent,
} from '../../ipc/index.ts';
import type { IpcHandler } from './ipc-handler.ts';
import { TokenBucket } from './rate-limit.ts';

export interface BridgeLimits {
  /** Calls in a burst and per second on one connection. */
  burst: number;
  perSecond: number;
  /** Calls of one connection running in the core at once. */
  inFlight: number;
}

export const DEFAULT_BRIDGE_LIMITS: BridgeLimits = { burst: 200, perSecond: 100, inFlight: 32 };

export interface BridgeOptions {
  socket: WebSocket;
  token: string;
  handler: IpcHandler;
  limits: BridgeLimits;
  now: () => number;
  setTimeout: (fn: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
  /** Diagnostics; never given the token or a payload. */
  log: (line: string) => void;
  /** Connection number, for log lines. */
  n: number;
  authTimeoutMs?: number;
}

function sameToken(given: string, expected: string): boolean {
  if (!TOKEN_PATTERN.test(given)) return false;
  return timingSafeEqual(Buffer.from(given, 'hex'), Buffer.from(expected, 'hex'));
}

export class WsBridge {
  private authorised = false;
  private inFlight = 0;
  private unsubscribe: (() => void) | null = null;
  private readonly bucket: TokenBucket;
  private readonly authTimer: unknown;

  constructor(private readonly o: BridgeOptions) {
    this.bucket = new TokenBucket({ capacity: o.limits.burst, perSecond: o.limits.perSecond, now: o.now });
    this.authTimer = o.setTimeout(() => this.refuse('no token in time'), o.authTimeoutMs ?? AUTH_TIMEOUT_MS);
    o.socket.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    o.socket.on('close', () => this.dispose());
    o.socket.on('error', () => this.dispose());
  }

  private refuse(why: string): void {
    this.o.log(`connection ${this.o.n}: closed, ${why}`);
    this.o.socket.close(CLOSE_CODES.UNAUTHORIZED, 'unauthorized');
    this.dispose();
  }

  private dispose(): void {
    this.o.clearTimeout(this.authTimer);
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  private send(message: unknown): void {
    if (this.o.socket.readyState === this.o.socket.OPEN) this.o.socket.send(JSON.stringify(message));
  }

  private answer(id: number | null, result: Result<unknown>): void {
    this.send({ type: 'result', id, result });
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    let message: unknown;
    if (this.authorised && !this.bucket.take()) {
      // Every frame counts against the rate, malformed ones too, and one over it is not parsed:
      // only a leading id is looked for, so a call still gets its answer.
      const id = isBinary ? undefined : /"id"\s*:\s*(\d{1,15})\b/.exec(data.toString('utf8', 0, 128))?.[1];
      return this.answer(id === undefined ? null : Number(id), fail(IPC_ERRORS.RATE_LIMITED, 'too many calls at once: try again in a moment'));
    }
    try {
      if (isBinary) throw new Error('binary');
      message = JSON.parse(data.toString());
    } catch {
      if (!this.authorised) return this.refuse('not JSON before the token');
      return this.answer(null, fail(IPC_ERRORS.MALFORMED, 'a message must be one JSON text'));
    }
    if (!this.authorised) {
      const auth = authMessageSchema.safeParse(message);
      if (!auth.success || !sameToken(auth.data.token, this.o.token)) return this.refuse('wrong or missing token');
      this.authorised = true;
      this.o.clearTimeout(this.authTimer);
      this.unsubscribe = this.o.handler.onEvent((event: SottoEvent) => this.send({ type: 'event', event }));
      this.o.log(`connection ${this.o.n}: authorised`);
      return;
    }
    const call = callMessageSchema.safeParse(message);
    if (!call.success) {
      const id = typeof message === 'object' && message !== null && typeof (message as { id?: unknown }).id === 'number' ? (message as { id: number }).id : null;
      return this.answer(id, fail(IPC_ERRORS.MALFORMED, 'expected {"type":"call","id":n,"channel":"...","input":...}'));
    }
    const { id, channel, input } = call.data;
    if (this.inFlight >= this.o.limits.inFlight) {
      return this.answer(id, fail(IPC_ERRORS.RATE_LIMITED, 'too many calls at once: try again in a moment'));
    }
    this.inFlight++;
    void this.o.handler.handle(channel, input)
      .then((result) => this.answer(id, result))
      .finally(() => { this.inFlight--; });
  }
}
