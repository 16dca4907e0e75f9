// The default registry transport (DESIGN.md D4 "Gateways"): HTTP JSON to registry gateways, each
// request on its own Tor stream with its own isolation credential (own circuit), so neither a
// gateway nor a relay can link two requests of one profile by circuit, and no DHT node ever sees
// this machine's address. Gateways are untrusted: every record they return is checked (signature,
// the key we asked for), a liar is benched, and the request goes to the next gateway.
import { setMaxListeners } from 'node:events';
import { RegistryError, isRegistryError } from './errors.ts';
import { GatewayHealth, type BackoffOptions } from './gateway-health.ts';
import { exchangeJson, type JsonAnswer, type StreamConnector } from './http-exchange.ts';
import { MAX_KEYS_PER_GET, sameBytes, type PutOptions, type RegistryTransport, type SignedRecord } from './transport.ts';
// The gateway API's JSON, defined once for both sides (docs/PROTOCOL.md "Gateway API (v1)").
import { GATEWAY_API_PATHS, getRequestToJson, getResponseFromJson, isProtocolError, recordToJson } from './protocol.ts';

export type VerifyRecord = (record: SignedRecord) => boolean;

export interface GatewayTransportOptions {
  /** Gateway base URLs, `http://<onion>.onion[:port]` in production (the testbed lists them). */
  gateways: string[];
  /** How to open a stream to a gateway: `torConnector(...)`; `tcpConnector()` in tests only. */
  connect: StreamConnector;
  /** hyperdht's mutable-record check (protocol verifyRecord). */
  verify: VerifyRecord;
  /**
   * Per-request budget. A fresh isolated circuit to an onion costs 56-225 ms on the loopback
   * testbed (TESTBED-NOTES) and seconds on the real network; the gateway itself gives up after 10 s.
   */
  timeoutMs?: number;
  /**
   * Gateways asked for every get batch, answers merged (newest valid seq per key). Two means one
   * gateway that drops or replays old records cannot hide an entry; the count does not depend on
   * what was found, so it leaks nothing.
   */
  getFanout?: number;
  /** Gateways each put goes to. One by default: the r replicas of an entry go to different gateways (put's `spread`). */
  putFanout?: number;
  backoff?: BackoffOptions;
  /** How long a gateway caught returning bad records is skipped. */
  badForMs?: number;
  maxResponseBytes?: number;
  now?: () => number;
  random?: () => number;
  log?: (event: string, fields: Record<string, unknown>) => void;
  /** Every request's outcome per gateway (the settings screen shows each gateway's health). */
  observe?: (gateway: string, ok: boolean, code?: string) => void;
}

export const GATEWAY_TRANSPORT_DEFAULTS = {
  timeoutMs: 30_000,
  getFanout: 2,
  putFanout: 1,
  backoff: { baseMs: 2_000, maxMs: 5 * 60_000 },
  badForMs: 15 * 60_000,
  // 12 records of ~1 KB value in base64 plus hex keys and signatures: ~20 KB; anything much larger is abuse.
  maxResponseBytes: 64 * 1024,
} as const;

/**
 * Cap on a value in a gateway's answer. hyperdht's own cap on a mutable value is ~1870 B
 * (TESTBED-NOTES.md); anything larger cannot have come from the DHT. Registry values are 320 B.
 */
export const MAX_ANSWER_VALUE_BYTES = 2048;

// Refusals about the record itself (docs/ARCHITECTURE.md gateway codes): every gateway would say
// the same, so failing over would only repeat the request to more gateways.
const RECORD_REFUSALS = new Set(['SEQ_REUSED', 'SEQ_TOO_LOW']);

export class GatewayTransport implements RegistryTransport {
  readonly health: GatewayHealth;
  readonly #gateways: Map<string, URL>;
  readonly #opts: Required<Omit<GatewayTransportOptions, 'gateways' | 'log' | 'observe'>> & Pick<GatewayTransportOptions, 'log' | 'observe'>;
  readonly #closing = new AbortController();

  constructor(opts: GatewayTransportOptions) {
    if (!Array.isArray(opts.gateways) || opts.gateways.length === 0) throw RegistryError.NO_GATEWAY();
    this.#gateways = new Map();
    for (const raw of opts.gateways) {
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        throw RegistryError.BAD_INPUT(`gateway URL is not a URL: ${String(raw)}`);
      }
      if (url.protocol !== 'http:') throw RegistryError.BAD_INPUT(`gateway URL must be http:// (Tor encrypts onion streams): ${raw}`);
      this.#gateways.set(url.host + url.pathname.replace(/\/+$/, ''), url);
    }
    const d = GATEWAY_TRANSPORT_DEFAULTS;
    this.#opts = {
      connect: opts.connect,
      verify: opts.verify,
      timeoutMs: opts.timeoutMs ?? d.timeoutMs,
      getFanout: Math.max(1, Math.min(opts.getFanout ?? d.getFanout, this.#gateways.size)),
      putFanout: Math.max(1, Math.min(opts.putFanout ?? d.putFanout, this.#gateways.size)),
      backoff: opts.backoff ?? d.backoff,
      badForMs: opts.badForMs ?? d.badForMs,
      maxResponseBytes: opts.maxResponseBytes ?? d.maxResponseBytes,
      now: opts.now ?? Date.now,
      random: opts.random ?? Math.random,
      log: opts.log,
      observe: opts.observe,
    };
    // Every request in flight listens on the closing signal (up to concurrency x fanout).
    setMaxListeners(0, this.#closing.signal);
    this.health = new GatewayHealth({
      backoff: this.#opts.backoff,
      badForMs: this.#opts.badForMs,
      now: this.#opts.now,
      random: this.#opts.random,
    });
  }

  get gatewayNames(): string[] {
    return [...this.#gateways.keys()];
  }

  async put(record: SignedRecord, opts: PutOptions = {}): Promise<void> {
    this.#checkOpen();
    // Never hand a gateway something that would get it blamed: our own record must verify.
    if (!this.#opts.verify(record)) throw RegistryError.BAD_RECORD('refusing to put a record whose signature does not verify');
    let body: unknown;
    try {
      body = recordToJson(record);
    } catch (err) {
      if (isProtocolError(err)) throw RegistryError.BAD_RECORD(err.message);
      throw err;
    }
    await this.#onGateways('put', this.#opts.putFanout, opts.signal, async (name, s) => {
      const answer = await this.#exchange(name, 'POST', GATEWAY_API_PATHS.put, body, s);
      if (answer.status === 200 && isObject(answer.json) && answer.json.ok === true) return;
      throw this.#refusal(name, answer);
    }, opts.spread, opts.hedgeAfterMs);
  }

  async get(publicKeys: Uint8Array[], signal?: AbortSignal): Promise<(SignedRecord | null)[]> {
    this.#checkOpen();
    for (const k of publicKeys) {
      if (!(k instanceof Uint8Array) || k.length !== 32) throw RegistryError.BAD_INPUT('public keys must be 32-byte Uint8Arrays');
    }
    const out: (SignedRecord | null)[] = [];
    for (let i = 0; i < publicKeys.length; i += MAX_KEYS_PER_GET) {
      out.push(...(await this.#getBatch(publicKeys.slice(i, i + MAX_KEYS_PER_GET), signal)));
    }
    return out;
  }

  async close(): Promise<void> {
    this.#closing.abort();
  }

  async #getBatch(keys: Uint8Array[], signal?: AbortSignal): Promise<(SignedRecord | null)[]> {
    const body = getRequestToJson(keys);
    const answers = await this.#onGateways('get', this.#opts.getFanout, signal, async (name, s) => {
      const answer = await this.#exchange(name, 'POST', GATEWAY_API_PATHS.get, body, s);
      if (answer.status !== 200 || !isObject(answer.json) || answer.json.ok !== true) throw this.#refusal(name, answer);
      return this.#checkRecords(name, keys, answer.json);
    });
    // Newest valid record per key across gateways: a gateway replaying an older record loses.
    return keys.map((_, i) => {
      let best: SignedRecord | null = null;
      for (const records of answers) {
        const r = records[i] ?? null;
        if (r !== null && (best === null || r.seq > best.seq)) best = r;
      }
      return best;
    });
  }

  #checkRecords(name: string, keys: Uint8Array[], answer: unknown): (SignedRecord | null)[] {
    let records: (SignedRecord | null)[];
    try {
      records = getResponseFromJson(answer, { expectedCount: keys.length, maxValueBytes: MAX_ANSWER_VALUE_BYTES });
    } catch (err) {
      // Malformed, wrong count, non-canonical: a broken promise of the API, the gateway is benched.
      if (isProtocolError(err)) throw this.#lie(name, err.message);
      throw err;
    }
    return records.map((record, i) => {
      if (record === null) return null;
      if (!sameBytes(record.publicKey, keys[i] as Uint8Array)) throw this.#lie(name, `record ${i} is for another key`);
      if (!this.#opts.verify(record)) throw this.#lie(name, `record ${i} has a forged signature`);
      return record;
    });
  }

  /**
   * Runs `attempt` on gateways in health order until `want` of them succeeded (in parallel, each
   * failure starting the next candidate). Fails when none succeeded. With `hedgeAfterMs`, a call
   * still short of `want` after that long starts one more candidate beside those in flight; once
   * `want` succeeded, the attempts still in flight are cut.
   */
  async #onGateways<T>(
    op: string, want: number, signal: AbortSignal | undefined,
    attempt: (name: string, signal: AbortSignal) => Promise<T>, spread?: number, hedgeAfterMs?: number,
  ): Promise<T[]> {
    const order = this.health.order(this.gatewayNames, spread);
    const results: T[] = [];
    const errors: RegistryError[] = [];
    const outer = signal === undefined ? this.#closing.signal : AbortSignal.any([signal, this.#closing.signal]);
    const enough = new AbortController();
    const combined = AbortSignal.any([outer, enough.signal]);
    let next = 0;
    let inFlight = 0;
    let allowed = want;
    const worker = async (): Promise<void> => {
      // A new attempt starts only while successes + attempts in flight fall short of `allowed`
      // (`want`, one more once hedged), so the number of requests is fixed unless a gateway fails
      // or stalls (the adversary view relies on it).
      while (results.length < want && results.length + inFlight < allowed && next < order.length) {
        if (outer.aborted) throw this.#closing.signal.aborted ? RegistryError.CLOSED() : RegistryError.ABORTED(`registry ${op}`);
        const name = order[next++] as string;
        inFlight++;
        try {
          const result = await attempt(name, combined);
          inFlight--;
          results.push(result);
          this.health.succeeded(name);
          this.#opts.observe?.(name, true);
          if (results.length >= want) enough.abort();
        } catch (err) {
          inFlight--;
          // Cut because another attempt already made `want`: not the gateway's failure.
          if (enough.signal.aborted && !outer.aborted) return;
          const e = isRegistryError(err) ? err : RegistryError.GATEWAY_UNREACHABLE(name, err);
          if (e.code === 'ABORTED' || e.code === 'CLOSED') throw e;
          if (e.code === 'GATEWAY_REFUSED' && e.gatewayCode !== undefined && RECORD_REFUSALS.has(e.gatewayCode)) throw e;
          if (e.code === 'BAD_ANSWER' || e.code === 'BAD_RECORD') {
            this.health.lied(name, e.message);
          } else {
            const retryAfterMs = (e as RegistryError & { retryAfterMs?: number }).retryAfterMs;
            this.health.failed(name, e.code, retryAfterMs);
          }
          this.#opts.log?.('registry.gateway.failed', { op, gateway: name, code: e.code, gatewayCode: e.gatewayCode });
          this.#opts.observe?.(name, false, e.code);
          errors.push(e);
        }
      }
    };
    const workers = Array.from({ length: want }, worker);
    const hedged: Promise<void>[] = [];
    const timer = hedgeAfterMs === undefined ? null : setTimeout(() => {
      if (results.length >= want || outer.aborted || next >= order.length) return;
      allowed++;
      this.#opts.log?.('registry.gateway.hedged', { op, afterMs: hedgeAfterMs });
      hedged.push(worker());
    }, hedgeAfterMs);
    try {
      await Promise.all(workers);
      // A hedge still in flight when the first workers ended (they tried every other candidate)
      // decides the call.
      await Promise.all(hedged);
    } finally {
      if (timer !== null) clearTimeout(timer);
      // Whatever is still in flight after a thrown refusal is cut and its outcome dropped.
      enough.abort();
      for (const h of hedged) h.catch(() => undefined);
    }
    if (results.length === 0) throw RegistryError.ALL_GATEWAYS_FAILED(op, errors);
    return results;
  }

  async #exchange(name: string, method: 'GET' | 'POST', path: string, body: unknown, signal: AbortSignal) {
    const url = this.#gateways.get(name);
    if (url === undefined) throw RegistryError.BAD_INPUT(`unknown gateway ${name}`);
    return exchangeJson({
      connect: this.#opts.connect,
      gateway: name,
      url,
      method,
      path,
      body,
      timeoutMs: this.#opts.timeoutMs,
      maxResponseBytes: this.#opts.maxResponseBytes,
      signal,
    });
  }

  #refusal(name: string, answer: JsonAnswer): RegistryError {
    const { status, json } = answer;
    const error = isObject(json) && isObject(json.error) ? json.error : null;
    const code = error !== null && typeof error.code === 'string' ? error.code.slice(0, 40) : null;
    if (code === null) return this.#lie(name, `HTTP ${status} without a coded error`);
    const message = typeof error?.message === 'string' ? error.message.slice(0, 200) : '';
    const e = RegistryError.GATEWAY_REFUSED(name, code, status, message);
    // The gateway says when to come back in a Retry-After header (src/gateway rate limits).
    if (code === 'RATE_LIMITED' && answer.retryAfterSeconds !== undefined) {
      Object.assign(e, { retryAfterMs: Math.min(600, answer.retryAfterSeconds) * 1000 });
    }
    return e;
  }

  /** A broken promise of the gateway API; #onGateways benches the gateway for it. */
  #lie(name: string, detail: string): RegistryError {
    return RegistryError.BAD_ANSWER(name, detail);
  }

  #checkOpen(): void {
    if (this.#closing.signal.aborted) throw RegistryError.CLOSED();
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
