// The registry as the core sees it: transport + publisher (the write schedule) + one fixed-rate,
// padded lookup sweep (the read schedule), with contacts and own state. Every sweep reports every
// pairing's newest entry (or none) in one `sightings` event; the core takes its contacts' entries
// from there and never asks for one contact (docs/PROTOCOL.md "Registry schedule").
import { EventEmitter } from 'node:events';
import { checkContacts, checkOwnState, type CheckedContact, type OwnState, type RegistryContact } from './contacts.ts';
import { defaultEnvironment, type Environment } from './environment.ts';
import { RegistryError } from './errors.ts';
import { Lookup, type ContactSighting, type ExtraKey, type LookupTimings } from './lookup.ts';
import { OneTimeWrites, ONE_TIME_WRITE_ATTEMPTS } from './one-time-writes.ts';
import { FAST_PUBLISHER_TIMINGS, PUBLISHER_TIMINGS, Publisher, type PlanStore, type PublishReport, type PublisherTimings } from './publisher.ts';
import { nextRefreshDelay, type Identity } from './protocol.ts';
import type { RegistryTransport, SignedRecord } from './transport.ts';

export interface RegistryEvents {
  /** One sweep's result: every pairing's newest valid entry, or null (none, or none that decrypts). */
  sightings: [Map<string, ContactSighting | null>];
  /**
   * During a sweep, a pairing's first valid entry that is not 'gone', as soon as its batch answered
   * (a dial can start before the slowest batch); the `sightings` that follow hold the newest.
   */
  'first-sighting': [ContactSighting];
  /** A contact published an endpoint (state online/away/busy/dnd) newer than the last one seen. */
  endpoint: [ContactSighting];
  /** A contact's newest entry says 'gone': it went offline (or hid from us). */
  offline: [ContactSighting];
  /** A background publish or sweep failed (the schedule goes on). */
  error: [RegistryError];
}

export interface RegistryTimings extends PublisherTimings, LookupTimings {
  /**
   * Gap between two lookup sweeps, uniform in [min, max]; the first sweep runs at start. sweepMaxMs
   * is "one lookup period": a contact that comes online is read within it.
   */
  sweepMinMs: number;
  sweepMaxMs: number;
}

/** Production lookup period: a sweep every 90-120 s (docs/PROTOCOL.md "Registry schedule"). */
export const SWEEP_DEFAULTS = { sweepMinMs: 90_000, sweepMaxMs: 120_000 } as const;

export interface RegistryOptions {
  transport: RegistryTransport;
  /** The profile's identity: signs every real entry (protocol sealRegistryValue). */
  identity: Identity;
  replicas?: number;
  timings?: Partial<RegistryTimings>;
  env?: Partial<Environment>;
  /** Where hour plans are kept across restarts (encrypted profile store); none: in memory only. */
  plans?: PlanStore;
  log?: (event: string, fields: Record<string, unknown>) => void;
}

export { FAST_PUBLISHER_TIMINGS };

export class Registry {
  readonly events = new EventEmitter<RegistryEvents>();
  readonly transport: RegistryTransport;
  readonly #publisher: Publisher;
  readonly #lookup: Lookup;
  readonly #env: Environment;
  readonly #sweep: { minMs: number; maxMs: number };
  #contacts: CheckedContact[] = [];
  readonly #lastSeen = new Map<string, number>();
  readonly #once: OneTimeWrites;
  /** Keys read in every sweep besides the pairings' (watchKeys), by watcher id. */
  readonly #watches = new Map<string, ExtraKey[]>();
  #sweepTimer: unknown = null;
  #running = false;
  #closed = false;

  constructor(opts: RegistryOptions) {
    this.transport = opts.transport;
    this.#env = defaultEnvironment(opts.env);
    const common = { transport: opts.transport, env: this.#env, ...(opts.replicas === undefined ? {} : { replicas: opts.replicas }), ...(opts.log === undefined ? {} : { log: opts.log }) };
    this.#publisher = new Publisher({
      ...common, identity: opts.identity, ...(opts.timings === undefined ? {} : { timings: opts.timings }), ...(opts.plans === undefined ? {} : { plans: opts.plans }),
    });
    this.#lookup = new Lookup({ ...common, ...(opts.timings === undefined ? {} : { timings: opts.timings }) });
    this.#sweep = {
      minMs: opts.timings?.sweepMinMs ?? SWEEP_DEFAULTS.sweepMinMs,
      maxMs: opts.timings?.sweepMaxMs ?? SWEEP_DEFAULTS.sweepMaxMs,
    };
    this.#once = new OneTimeWrites({
      transport: opts.transport, env: this.#env, attempts: ONE_TIME_WRITE_ATTEMPTS,
      retryMinMs: opts.timings?.retryMinMs ?? PUBLISHER_TIMINGS.retryMinMs,
      retryMaxMs: opts.timings?.retryMaxMs ?? PUBLISHER_TIMINGS.retryMaxMs,
      hedgeAfterMs: opts.timings?.hedgeMs ?? PUBLISHER_TIMINGS.hedgeMs,
      onGiveUp: (err) => { if (!this.#closed && this.events.listenerCount('error') > 0) this.events.emit('error', err); },
      ...(opts.log === undefined ? {} : { log: opts.log }),
    });
  }

  /**
   * Signed records put once, never refreshed (an open invitation's tombstone, docs/PROTOCOL.md
   * "Invitation taken tombstone"): record I as replica I, retried a few times, then given up.
   */
  writeOnce(records: readonly SignedRecord[]): Promise<void> {
    this.#check();
    return this.#once.write(records);
  }

  /**
   * Reads `keys` in every sweep from the next one on, in place of random padding keys; `listener`
   * hears each record found (signature and key checked). Returns the unsubscribe.
   */
  watchKeys(id: string, keys: readonly Uint8Array[], listener: (record: SignedRecord) => void): () => void {
    this.#check();
    const extras = keys.map((key) => ({ key, onRecord: listener }));
    this.#watches.set(id, extras);
    return () => { if (this.#watches.get(id) === extras) this.#watches.delete(id); };
  }

  /**
   * Replaces the pairing list (validated; a bad entry rejects the whole list with BAD_INPUT). It
   * writes nothing by itself: each slot picks the change up at its own next write.
   */
  setContacts(list: RegistryContact[]): void {
    this.#check();
    this.#contacts = checkContacts(list);
    this.#publisher.setContacts(this.#contacts);
    const ids = new Set(this.#contacts.map((c) => c.id));
    for (const id of this.#lastSeen.keys()) if (!ids.has(id)) this.#lastSeen.delete(id);
  }

  /** Own state: written into each real entry at its slot's next fresh write; links carry it at once. */
  setOwnState(state: OwnState): void {
    this.#check();
    this.#publisher.setOwnState(checkOwnState(state));
  }

  /** Starts the write schedule and the lookup sweeps (the first sweep now: fast first presence). */
  async start(): Promise<void> {
    this.#check();
    if (this.#running) return;
    this.#running = true;
    this.#background(this.sweep());
    this.#scheduleSweep();
    await this.#publisher.start();
  }

  /** One full publish cycle now (spread over the spread window); resolves with what was written. */
  publishNow(): Promise<PublishReport> {
    this.#check();
    return this.#publisher.publishNow();
  }

  /**
   * Tor restarted or a gateway came back: every slot's next write moves into the spread window
   * (storers may have lost entries; new endpoints go out) and a sweep runs now (we dial whoever is
   * online, so contacts see us again within one lookup period).
   */
  recovered(): void {
    this.#check();
    this.#publisher.recovered();
    if (this.#running) {
      this.#background(this.sweep());
      this.#stopSweeps();
      this.#scheduleSweep();
    }
  }

  /** Writes 'gone' over every real entry of the current hours and stops the schedules. */
  async goOffline(): Promise<PublishReport> {
    this.#check();
    this.#stopSweeps();
    this.#running = false;
    return this.#publisher.goOffline();
  }

  /** Tests and benchmarks only: one contact in one padded batch (the core reads through sweeps). */
  async lookup(contactId: string, signal?: AbortSignal): Promise<ContactSighting | null> {
    this.#check();
    const contact = this.#contacts.find((c) => c.id === contactId);
    if (contact === undefined) throw RegistryError.UNKNOWN_CONTACT(contactId);
    const sighting = await this.#lookup.lookupOne(contact, signal);
    this.#report(sighting);
    return sighting;
  }

  /** Looks every contact up in one padded sweep; emits events for what is new. */
  async sweep(signal?: AbortSignal): Promise<Map<string, ContactSighting | null>> {
    this.#check();
    const found = await this.#lookup.sweep(this.#contacts, this.#publisher.entriesNow(), signal, (s) => {
      if (!this.#closed) this.events.emit('first-sighting', s);
    }, [...this.#watches.values()].flat());
    if (this.#closed) return found;
    for (const s of found.values()) this.#report(s);
    this.events.emit('sightings', found);
    return found;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#running = false;
    this.#stopSweeps();
    this.#publisher.close();
    this.#once.close();
    await this.transport.close();
  }

  #report(s: ContactSighting | null): void {
    if (s === null) return;
    if ((this.#lastSeen.get(s.contactId) ?? -1) >= s.timestamp) return;
    this.#lastSeen.set(s.contactId, s.timestamp);
    if (s.state === 'gone') this.events.emit('offline', s);
    else this.events.emit('endpoint', s);
  }

  #scheduleSweep(): void {
    if (!this.#running) return;
    const delay = nextRefreshDelay(this.#env.randomBytes(4), this.#sweep);
    this.#sweepTimer = this.#env.timers.setTimeout(() => {
      this.#sweepTimer = null;
      // Also with no contacts at all: the number of gets must not say whether there are any.
      this.#background(this.sweep());
      this.#scheduleSweep();
    }, delay);
  }

  #stopSweeps(): void {
    if (this.#sweepTimer !== null) this.#env.timers.clearTimeout(this.#sweepTimer);
    this.#sweepTimer = null;
  }

  #background(p: Promise<unknown>): void {
    p.catch((err: unknown) => {
      if (this.#closed) return;
      const e = err instanceof RegistryError ? err : new RegistryError('BAD_INPUT', String(err), { cause: err });
      if (this.events.listenerCount('error') > 0) this.events.emit('error', e);
    });
  }

  #check(): void {
    if (this.#closed) throw RegistryError.CLOSED();
  }
}
