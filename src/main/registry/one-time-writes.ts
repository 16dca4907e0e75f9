// Records written once and never refreshed (an open invitation's "taken" tombstone,
// docs/PROTOCOL.md "Invitation taken tombstone"): each replica put through the normal transport
// (gateways over Tor, one circuit per request, replica I to spread I). A failed put is retried
// after the publisher's retry delay, doubled per failure, up to `attempts` puts in all; then it is
// given up and reported. Closing the registry ends every pending retry (the record is not kept:
// its secret is erased once the caller hands it over).
import { retryDelay, type Environment } from './environment.ts';
import { RegistryError } from './errors.ts';
import type { RegistryTransport, SignedRecord } from './transport.ts';

export interface OneTimeWritesOptions {
  transport: RegistryTransport;
  env: Environment;
  retryMinMs: number;
  retryMaxMs: number;
  /** Puts per record at most, the first included. */
  attempts: number;
  /** A put not acknowledged within this long also goes to the next gateway (the publisher's hedgeMs): its reader waits for it. */
  hedgeAfterMs?: number;
  /** A record given up after its last attempt failed. */
  onGiveUp(err: RegistryError): void;
  log?: (event: string, fields: Record<string, unknown>) => void;
}

/** Puts per record at most: 3 waits of 30-90 s, doubled each time (3.5-10.5 min on the production timings). */
export const ONE_TIME_WRITE_ATTEMPTS = 4;

export class OneTimeWrites {
  readonly #o: OneTimeWritesOptions;
  readonly #timers = new Set<unknown>();
  readonly #abort = new AbortController();

  constructor(opts: OneTimeWritesOptions) {
    this.#o = opts;
  }

  /** Record I goes to spread I; resolves when every record landed or was given up. */
  write(records: readonly SignedRecord[]): Promise<void> {
    return Promise.all(records.map((record, spread) => this.#put(record, spread, 1))).then(() => undefined);
  }

  async #put(record: SignedRecord, spread: number, attempt: number): Promise<void> {
    if (this.#abort.signal.aborted) return;
    try {
      await this.#o.transport.put(record, { spread, signal: this.#abort.signal, ...(this.#o.hedgeAfterMs === undefined ? {} : { hedgeAfterMs: this.#o.hedgeAfterMs }) });
      this.#o.log?.('registry.once.written', { spread, attempt });
      return;
    } catch (err) {
      if (this.#abort.signal.aborted) return;
      const e = err instanceof RegistryError ? err : new RegistryError('BAD_INPUT', String(err), { cause: err });
      if (attempt >= this.#o.attempts) {
        this.#o.log?.('registry.once.given-up', { spread, attempt, code: e.code });
        this.#o.onGiveUp(e);
        return;
      }
      const delay = retryDelay(this.#o.env.randomBytes, { minMs: this.#o.retryMinMs, maxMs: this.#o.retryMaxMs }, attempt);
      await new Promise<void>((resolve) => {
        const onAbort = (): void => resolve();
        const timer = this.#o.env.timers.setTimeout(() => {
          this.#timers.delete(timer);
          this.#abort.signal.removeEventListener('abort', onAbort);
          resolve();
        }, delay);
        this.#timers.add(timer);
        this.#abort.signal.addEventListener('abort', onAbort, { once: true });
      });
      await this.#put(record, spread, attempt + 1);
    }
  }

  close(): void {
    this.#abort.abort();
    for (const timer of this.#timers) this.#o.env.timers.clearTimeout(timer);
    this.#timers.clear();
  }
}
