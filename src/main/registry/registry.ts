// The registry as the core sees it: transport + publisher + lookup, with contacts and own state,
// and events when a contact's entry says something new.
import { EventEmitter } from 'node:events';
import { checkContacts, checkOwnState, type CheckedContact, type OwnState, type RegistryContact } from './contacts.ts';
import { defaultEnvironment, type Environment } from './environment.ts';
import { RegistryError } from './errors.ts';
import { Lookup, type ContactSighting, type LookupTimings } from './lookup.ts';
import { FAST_PUBLISHER_TIMINGS, Publisher, type PublishReport, type PublisherTimings } from './publisher.ts';
import { nextRefreshDelay, SCHEDULE_DEFAULTS, type Identity } from './protocol.ts';
import type { RegistryTransport } from './transport.ts';

export interface RegistryEvents {
  /** A contact published an endpoint (state online/away/busy/dnd) newer than the last one seen. */
  endpoint: [ContactSighting];
  /** A contact's newest entry says 'gone': it went offline (or hid from us). */
  offline: [ContactSighting];
  /** A background publish or sweep failed (the schedule goes on). */
  error: [RegistryError];
}

export interface RegistryTimings extends PublisherTimings, LookupTimings {
  /** Background lookup sweeps over all contacts, uniform in [min, max] (like refreshes). */
  sweepMinMs: number;
  sweepMaxMs: number;
}

export interface RegistryOptions {
  transport: RegistryTransport;
  /** The profile's identity: signs every real entry (protocol sealRegistryValue). */
  identity: Identity;
  replicas?: number;
  timings?: Partial<RegistryTimings>;
  env?: Partial<Environment>;
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
  #sweepTimer: unknown = null;
  #running = false;
  #closed = false;

  constructor(opts: RegistryOptions) {
    this.transport = opts.transport;
    this.#env = defaultEnvironment(opts.env);
    const common = { transport: opts.transport, env: this.#env, ...(opts.replicas === undefined ? {} : { replicas: opts.replicas }), ...(opts.log === undefined ? {} : { log: opts.log }) };
    this.#publisher = new Publisher({ ...common, identity: opts.identity, ...(opts.timings === undefined ? {} : { timings: opts.timings }) });
    this.#lookup = new Lookup({ ...common, ...(opts.timings === undefined ? {} : { timings: opts.timings }) });
    this.#sweep = {
      minMs: opts.timings?.sweepMinMs ?? SCHEDULE_DEFAULTS.refreshMinMs,
      maxMs: opts.timings?.sweepMaxMs ?? SCHEDULE_DEFAULTS.refreshMaxMs,
    };
  }

  /** Replaces the contact list (validated; a bad entry rejects the whole list with BAD_INPUT). */
  setContacts(list: RegistryContact[]): void {
    this.#check();
    this.#contacts = checkContacts(list);
    this.#publisher.setContacts(this.#contacts);
    const ids = new Set(this.#contacts.map((c) => c.id));
    for (const id of this.#lastSeen.keys()) if (!ids.has(id)) this.#lastSeen.delete(id);
    if (this.#running) this.#background(this.#publisher.publishNow());
  }

  setOwnState(state: OwnState): void {
    this.#check();
    this.#publisher.setOwnState(checkOwnState(state));
    if (this.#running) this.#background(this.#publisher.publishNow());
  }

  /** Starts publishing on the schedule and sweeping lookups in the background. */
  start(): void {
    this.#check();
    if (this.#running) return;
    this.#running = true;
    this.#publisher.start();
    this.#scheduleSweep();
  }

  /** One full publish cycle now (spread over the spread window); resolves with what was written. */
  publishNow(): Promise<PublishReport> {
    this.#check();
    return this.#publisher.publishNow();
  }

  /** Tor restarted or a gateway came back: re-publish everything (storers may have lost entries). */
  recovered(): Promise<PublishReport> {
    this.#check();
    return this.#publisher.recovered();
  }

  /** Writes 'gone' over every real entry of the current hours and stops the schedules. */
  async goOffline(): Promise<PublishReport> {
    this.#check();
    this.#stopSweeps();
    this.#running = false;
    return this.#publisher.goOffline();
  }

  /** Looks one contact up now (one padded batch); emits `endpoint` / `offline` when the entry is new. */
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
    const found = await this.#lookup.sweep(this.#contacts, signal);
    for (const s of found.values()) this.#report(s);
    return found;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#running = false;
    this.#stopSweeps();
    this.#publisher.stop();
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
      if (this.#contacts.length > 0) this.#background(this.sweep());
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
