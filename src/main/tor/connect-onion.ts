// Outbound connection to a contact's (or gateway's) onion endpoint. Right after the endpoint's
// HS_DESC UPLOADED the descriptor may not be on every HSDir the client asks yet; tor then answers
// 0xF0/0xF2/0xF3/0xF7 and a retry a moment later succeeds (TESTBED-NOTES: retry for a few seconds).
// Missing or wrong client auth (0xF4/0xF5) will not heal by retrying, so those fail at once.
import type { Socket } from 'node:net';
import { socksConnect } from './socks.ts';
import { TorError, type TorErrorCode } from './errors.ts';
import { toServiceId } from './onion-address.ts';

export const RETRYABLE_ONION_ERRORS: ReadonlySet<TorErrorCode> = new Set<TorErrorCode>([
  'ONION_DESC_NOT_FOUND',
  'ONION_INTRO_FAILED',
  'ONION_REND_FAILED',
  'ONION_INTRO_TIMEOUT',
]);

export interface ConnectOnionOptions {
  socksPort: number;
  socksHost?: string;
  /** `<56 chars>` or `<56 chars>.onion`. */
  serviceId: string;
  port: number;
  isolation?: string | undefined;
  signal?: AbortSignal | undefined;
  /** Per attempt. */
  timeoutMs?: number;
  /** Waits between attempts; attempts = backoffs + 1. */
  backoffsMs?: number[];
  /** Called before each retry (logging, UI "connecting..."). */
  onRetry?: (err: TorError, attempt: number, delayMs: number) => void;
}

const DEFAULT_BACKOFFS = [250, 500, 1000, 2000, 4000, 8000];

export async function connectOnion(opts: ConnectOnionOptions): Promise<Socket> {
  const host = `${toServiceId(opts.serviceId)}.onion`;
  const backoffs = opts.backoffsMs ?? DEFAULT_BACKOFFS;
  for (let attempt = 0; ; attempt++) {
    try {
      return await socksConnect({
        socksPort: opts.socksPort,
        socksHost: opts.socksHost,
        host,
        port: opts.port,
        isolation: opts.isolation,
        signal: opts.signal,
        timeoutMs: opts.timeoutMs,
      });
    } catch (err) {
      const delay = backoffs[attempt];
      if (!(err instanceof TorError) || !RETRYABLE_ONION_ERRORS.has(err.code) || delay === undefined) throw err;
      opts.onRetry?.(err, attempt + 1, delay);
      await abortableDelay(delay, opts.signal);
    }
  }
}

function abortableDelay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(TorError.ABORTED('connectOnion'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(TorError.ABORTED('connectOnion'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
