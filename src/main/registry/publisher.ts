// Publishes this profile's registry entries (DESIGN D4, issue 4 items 3-4).
//
// Every hour D and replica index I the profile writes exactly N entries, N = entriesPerIndex(c) =
// max(16, smallest multiple of 16 >= c) for c contacts: one real entry per contact we are visible
// to, the rest dummies (own random key pair for the hour, fresh random bytes of the value size on
// every write). A DHT node or gateway therefore sees the same number of same-sized writes per hour
// for every profile of the same bucket (1..16 contacts all write 16 x r), and cannot tell a real
// entry from a dummy. "Smallest multiple >= c" rather than "strictly above": a profile with exactly
// 16 contacts is already indistinguishable from one with 3, so 16 extra dummies would buy nothing.
//
// Invisible (globally or to one contact) puts a dummy in that contact's place. Within an hour whose
// real entry was already written, the entry is overwritten with an encrypted 'gone' state instead
// (the contact sees what it sees when we go offline, and the key keeps being refreshed like any
// other, so an observer sees no key stop). goOffline() writes 'gone' over every real entry of the
// current hours, and fresh dummies, N x r writes as always.
// A contact that is no longer a contact at all (revoked, deleted, or an open invitation's bootstrap
// key s after the key upgrade) gets noise under its old key for the rest of the hour instead: the
// ex-contact or the reader of the invitation e-mail, who can still compute that key, decrypts
// nothing, not even 'gone' (issue 5: "find nothing" after the upgrade).
//
// All writes of a cycle go out in random order at random offsets within `spreadMs`, so their
// timing does not reveal which are real. Cycles: at start, every 15-20 min (jitter), a few minutes
// before the hour boundary (next hour's entries, publishHours), and after recovered().
import { RegistryError } from './errors.ts';
import { defaultEnvironment, shuffle, sleep, uniform, type Environment } from './environment.ts';
import type { CheckedContact, OwnState } from './contacts.ts';
import {
  DEFAULT_REPLICAS, HOUR_MS, REGISTRY_NONCE_BYTES, REGISTRY_VALUE_SIZE, SCHEDULE_DEFAULTS,
  dummyRegistryValue, hourOf, lookupHours, nextRefreshDelay, publishHours, recordKeyPair, recordSeed, registryKey,
  sealRegistryValue, signRecord, type Identity, type PresenceState, type RecordKeyPair,
} from './protocol.ts';
import { toHex, type RegistryTransport } from './transport.ts';

export const ENTRY_BUCKET = 16;

/** N: entries written per hour and replica index for a profile with `contacts` contacts. */
export function entriesPerIndex(contacts: number): number {
  return Math.max(ENTRY_BUCKET, Math.ceil(contacts / ENTRY_BUCKET) * ENTRY_BUCKET);
}

export interface PublisherTimings {
  /** Writes of one cycle are spread over this window (10 min: < the 15 min refresh). */
  spreadMs: number;
  /** goOffline's window: short, the app is closing, but still not one burst. */
  offlineSpreadMs: number;
  refreshMinMs: number;
  refreshMaxMs: number;
  /** Next hour's entries go out this long before the boundary (protocol publishHours). */
  leadMs: number;
  /** Readers still look at the previous hour this long after the boundary (protocol lookupHours). */
  graceMs: number;
  /** Writes in flight at once (each is its own Tor circuit). */
  concurrency: number;
}

export const PUBLISHER_TIMINGS: PublisherTimings = {
  spreadMs: 10 * 60_000,
  offlineSpreadMs: 3_000,
  refreshMinMs: SCHEDULE_DEFAULTS.refreshMinMs,
  refreshMaxMs: SCHEDULE_DEFAULTS.refreshMaxMs,
  leadMs: SCHEDULE_DEFAULTS.leadMs,
  graceMs: SCHEDULE_DEFAULTS.graceMs,
  concurrency: 8,
};

/** Test timings: the same schedule logic with a spread window of tens of milliseconds. */
export const FAST_PUBLISHER_TIMINGS: PublisherTimings = {
  ...PUBLISHER_TIMINGS,
  spreadMs: 50,
  offlineSpreadMs: 20,
  concurrency: 16,
};

export interface PublishReport {
  hours: number[];
  entries: number;
  real: number;
  gone: number;
  dummy: number;
  failed: number;
  aborted: boolean;
}

export interface PublisherOptions {
  transport: RegistryTransport;
  identity: Identity;
  replicas?: number;
  timings?: Partial<PublisherTimings>;
  env?: Partial<Environment>;
  log?: (event: string, fields: Record<string, unknown>) => void;
}

type PutJob = { kind: 'real' | 'gone' | 'dummy'; run: () => Promise<void>; published?: () => void };

interface HourPlan {
  hour: number;
  index: number;
  /** Dummy key pairs of this hour and index, reused on every refresh (a fresh key every write would mark it a dummy). */
  dummies: RecordKeyPair[];
  /** Contacts whose real entry was written in this hour and index, with what was written. */
  published: Map<string, CheckedContact>;
}

export class Publisher {
  readonly #transport: RegistryTransport;
  readonly #identity: Identity;
  readonly #replicas: number;
  readonly #t: PublisherTimings;
  readonly #env: Environment;
  readonly #log: (event: string, fields: Record<string, unknown>) => void;
  #contacts: CheckedContact[] = [];
  #state: OwnState = 'online';
  readonly #plans = new Map<string, HourPlan>();
  readonly #lastSeq = new Map<string, number>();
  #cycle: AbortController | null = null;
  #timer: unknown = null;
  #running = false;
  #offline = false;

  constructor(opts: PublisherOptions) {
    this.#transport = opts.transport;
    this.#identity = opts.identity;
    this.#replicas = opts.replicas ?? DEFAULT_REPLICAS;
    if (!Number.isInteger(this.#replicas) || this.#replicas < 1 || this.#replicas > 16) throw RegistryError.BAD_INPUT('replicas must be 1..16');
    this.#t = { ...PUBLISHER_TIMINGS, ...opts.timings };
    this.#env = defaultEnvironment(opts.env);
    this.#log = opts.log ?? (() => {});
  }

  get replicas(): number {
    return this.#replicas;
  }

  setContacts(contacts: CheckedContact[]): void {
    this.#contacts = contacts;
  }

  setOwnState(state: OwnState): void {
    this.#state = state;
    this.#offline = false;
  }

  /** Starts the schedule: a cycle now, then refreshes and boundary leads. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#offline = false;
    void this.#scheduledCycle();
  }

  stop(): void {
    this.#running = false;
    if (this.#timer !== null) this.#env.timers.clearTimeout(this.#timer);
    this.#timer = null;
    this.#cycle?.abort();
  }

  /** One full cycle for the current hours now (supersedes a cycle in progress). */
  publishNow(): Promise<PublishReport> {
    this.#offline = false;
    return this.#runCycle('publish', this.#t.spreadMs);
  }

  /** Tor or a gateway came back: storers may have lost entries meanwhile, write everything again. */
  recovered(): Promise<PublishReport> {
    return this.publishNow();
  }

  /** Overwrites every real entry of the current hours with 'gone' and stops the schedule. */
  async goOffline(): Promise<PublishReport> {
    this.stop();
    this.#offline = true;
    return this.#runCycle('offline', this.#t.offlineSpreadMs);
  }

  async #scheduledCycle(): Promise<void> {
    this.#timer = null;
    if (!this.#running) return;
    try {
      const report = await this.#runCycle('publish', this.#t.spreadMs);
      this.#log('registry.publish.cycle', { ...report, hours: report.hours.join(',') });
    } catch (err) {
      this.#log('registry.publish.error', { error: String(err) });
    }
    if (!this.#running) return;
    const now = this.#env.now();
    let delay = nextRefreshDelay(this.#env.randomBytes(4), { minMs: this.#t.refreshMinMs, maxMs: this.#t.refreshMaxMs });
    // Next hour's entries inside the lead window (publishHours includes D+1 there), jittered.
    const leadAt = (hourOf(now) + 1) * HOUR_MS - this.#t.leadMs + Math.floor(uniform(this.#env.randomBytes) * this.#t.leadMs * 0.4);
    if (leadAt > now && leadAt - now < delay) delay = leadAt - now;
    this.#timer = this.#env.timers.setTimeout(() => void this.#scheduledCycle(), delay);
  }

  async #runCycle(kind: 'publish' | 'offline', spreadMs: number): Promise<PublishReport> {
    this.#cycle?.abort();
    const cycle = new AbortController();
    this.#cycle = cycle;
    const now = this.#env.now();
    const hours = publishHours(now, { leadMs: this.#t.leadMs });
    // The previous hour's plans are kept while readers still look at it (lookupHours' grace).
    this.#forgetBefore(hourOf(now) - 1);
    const jobs: PutJob[] = [];
    const n = entriesPerIndex(this.#contacts.length);
    const hidden = kind === 'offline' || this.#state === 'invisible';
    const reals = hidden ? [] : this.#contacts.filter((c) => c.visible && c.endpoint !== undefined && c.onionPublicKey !== null);
    const state: PresenceState = kind === 'offline' || this.#state === 'invisible' ? 'gone' : this.#state;
    const contactIds = new Set(this.#contacts.map((c) => c.id));
    for (const hour of hours) {
      for (let index = 0; index < this.#replicas; index++) {
        const plan = this.#plan(hour, index);
        const slotJobs: PutJob[] = [];
        const realIds = new Set(reals.map((c) => c.id));
        for (const c of reals) slotJobs.push(this.#realJob(plan, c, state));
        for (const [id, c] of plan.published) {
          if (realIds.has(id)) continue;
          // Still a contact (hidden, or we go offline): tell them 'gone'. No longer a contact
          // (revoked, deleted, or an open invitation's bootstrap key after the upgrade): overwrite
          // with noise under the same key, so whoever still holds that key (the ex-contact, the
          // reader of the invitation e-mail) decrypts nothing at all, not even 'gone'.
          slotJobs.push(contactIds.has(id) ? this.#realJob(plan, c, 'gone') : this.#dummyJob(plan, slotKeyPair(plan, c)));
        }
        const dummyCount = Math.max(0, n - slotJobs.length);
        while (plan.dummies.length < dummyCount) plan.dummies.push(recordKeyPair(this.#env.randomBytes(32)));
        for (let k = 0; k < dummyCount; k++) slotJobs.push(this.#dummyJob(plan, plan.dummies[k] as RecordKeyPair));
        jobs.push(...slotJobs);
      }
    }
    // Readers still look at the previous hour during the grace window, and there a removed
    // contact's real entry would be the newest one that decrypts: scrub it too, once.
    for (const hour of lookupHours(now, { graceMs: this.#t.graceMs, leadMs: this.#t.leadMs })) {
      if (hours.includes(hour)) continue;
      for (let index = 0; index < this.#replicas; index++) {
        const plan = this.#plans.get(`${hour}:${index}`);
        if (plan === undefined) continue;
        for (const [id, c] of plan.published) {
          if (contactIds.has(id)) continue;
          jobs.push({ ...this.#dummyJob(plan, slotKeyPair(plan, c)), published: () => plan.published.delete(id) });
        }
      }
    }
    return this.#execute(kind, hours, jobs, spreadMs, cycle.signal);
  }

  #realJob(plan: HourPlan, c: CheckedContact, state: PresenceState): PutJob {
    const endpoint = c.endpoint;
    const onionPublicKey = c.onionPublicKey;
    if (endpoint === undefined || onionPublicKey === null) throw RegistryError.BAD_INPUT(`contact ${c.id} has no endpoint`);
    const keyPair = slotKeyPair(plan, c);
    const kind = state === 'gone' ? 'gone' : 'real';
    return {
      kind,
      run: async () => {
        const timestamp = this.#env.now();
        const value = sealRegistryValue({
          sharedKey: c.sharedKey,
          hour: plan.hour,
          index: plan.index,
          role: c.ownRole,
          publisher: this.#identity,
          onionPublicKey,
          virtualPort: endpoint.port,
          timestamp,
          state,
          endpointExpiresAt: endpoint.expiresAt,
          nonce: this.#env.randomBytes(REGISTRY_NONCE_BYTES),
        });
        return this.#put(plan, keyPair, value);
      },
      published: () => {
        plan.published.set(c.id, c);
      },
    };
  }

  #dummyJob(plan: HourPlan, keyPair: RecordKeyPair): PutJob {
    return {
      kind: 'dummy',
      run: async () => this.#put(plan, keyPair, dummyRegistryValue(this.#env.randomBytes(REGISTRY_VALUE_SIZE))),
    };
  }

  #put(plan: HourPlan, keyPair: RecordKeyPair, value: Uint8Array): Promise<void> {
    const id = toHex(keyPair.publicKey);
    // seq = unix ms, strictly increasing per key: hyperdht refuses a reused seq with another value.
    const seq = Math.max(this.#env.now(), (this.#lastSeq.get(id) ?? 0) + 1);
    this.#lastSeq.set(id, seq);
    const record = { publicKey: keyPair.publicKey, seq, value, signature: signRecord(keyPair, seq, value) };
    return this.#transport.put(record, { spread: plan.index });
  }

  async #execute(kind: string, hours: number[], jobs: PutJob[], spreadMs: number, signal: AbortSignal): Promise<PublishReport> {
    shuffle(jobs, this.#env.randomBytes);
    const offsets = jobs.map(() => Math.floor(uniform(this.#env.randomBytes) * spreadMs)).sort((a, b) => a - b);
    const report: PublishReport = { hours, entries: jobs.length, real: 0, gone: 0, dummy: 0, failed: 0, aborted: false };
    for (const j of jobs) report[j.kind]++;
    const start = this.#env.now();
    const inFlight = new Set<Promise<void>>();
    for (let i = 0; i < jobs.length; i++) {
      const job = jobs[i] as PutJob;
      await sleep(this.#env.timers, start + (offsets[i] ?? 0) - this.#env.now(), signal);
      while (inFlight.size >= this.#t.concurrency && !signal.aborted) await Promise.race(inFlight);
      if (signal.aborted) {
        report.aborted = true;
        break;
      }
      const p: Promise<void> = job.run().then(
        () => job.published?.(),
        (err: unknown) => {
          report.failed++;
          this.#log('registry.put.failed', { kind, error: String(err) });
        },
      ).finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    await Promise.all(inFlight);
    return report;
  }

  #plan(hour: number, index: number): HourPlan {
    const key = `${hour}:${index}`;
    let plan = this.#plans.get(key);
    if (plan === undefined) {
      plan = { hour, index, dummies: [], published: new Map() };
      this.#plans.set(key, plan);
    }
    return plan;
  }

  /** Plans (dummy keys, published contacts) and seqs of past hours are of no use any more. */
  #forgetBefore(hour: number): void {
    for (const [key, plan] of this.#plans) {
      if (plan.hour < hour) {
        this.#plans.delete(key);
        for (const kp of plan.dummies) this.#lastSeq.delete(toHex(kp.publicKey));
      }
    }
  }
}

/** The record key pair of contact `c`'s own entry in this hour and replica (DESIGN D4). */
function slotKeyPair(plan: HourPlan, c: CheckedContact): RecordKeyPair {
  return recordKeyPair(recordSeed(registryKey(c.sharedKey, plan.hour, plan.index), c.ownRole));
}
