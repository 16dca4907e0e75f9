// Writes this profile's registry slots (DESIGN D4; issue 10 item 1; docs/PROTOCOL.md "Registry
// schedule"). This file owns the write schedule; hour-plan.ts says which key each slot has.
//
// What a DHT node or gateway sees is a function of (profile, hour, bucket) alone:
// - every hour D, N x r slots (N = entriesPerIndex(pairings at the plan's making), bucket 16);
// - each slot on its own timer: a first write at a uniform offset in the spread window (at start,
//   or in the lead window before D for D's slots), then every 15-20 min (jitter) until D ends;
//   no event writes the whole set (quit and global invisible aside, which write it as a quit
//   does), and a slot is written because of an event only for one pairing: one that must be found
//   at once taking a free slot (an invitation, or a contact without a link), one that hides (its
//   'gone' within the offline window), one removed (noise within the spread window); once an hour
//   a decoy gives one dummy column the same shape with no event behind it;
// - on each write a slot either re-puts its last record unchanged (same seq and value) or writes a
//   fresh one (a new timestamp, new noise), fresh with probability `freshProbability` or when the
//   content changed (new endpoint): a value that stops changing marks no key, since every key does so;
// - a member who hides (one contact, or everyone with global invisible) gets one encrypted 'gone'
//   in its slot within the offline window (as a quit writes it), re-put unchanged from then on (also after a restart: it is kept in the store), so
//   the contact sees exactly what a quit leaves (one 'gone', nothing fresher); from the next hour the
//   hidden contact has no slot;
// - a pairing removed (revoked, deleted, an invitation's key s after the upgrade) keeps its slot
//   for the rest of the hour with noise in it: whoever still holds that key decrypts nothing;
// - a contact added mid-hour gets a slot from the next hour on; it needs none before (its link
//   is up), unless it has no link (then it takes a free slot at once, see above).
// goOffline() (quit or lock) writes every slot of the current hours once: members 'gone' (a hidden
// member's kept 'gone' as is), dummies noise.
import { setMaxListeners } from 'node:events';
import { Limiter } from '../limiter.ts';
import { RegistryError } from './errors.ts';
import { defaultEnvironment, retryDelay, shuffle, sleep, uniform, type Environment } from './environment.ts';
import type { CheckedContact, OwnState } from './contacts.ts';
import {
  entriesPerIndex, makePlan, memberSeed, membersOf, restorePlans, snapshotOf, takeFreeSlot, dummySecret,
  type HourPlan, type MemberSeeds, type PlanSnapshot, type Slot, type WriteKind,
} from './hour-plan.ts';
import {
  DEFAULT_REPLICAS, HOUR_MS, REGISTRY_NONCE_BYTES, REGISTRY_VALUE_SIZE, SCHEDULE_DEFAULTS,
  dummyRegistryValue, hourOf, nextRefreshDelay, publishHours, recordKeyPair,
  sealRegistryValue, signRecord, type Identity, type PresenceState,
} from './protocol.ts';
import { sameBytes, toHex, type RegistryTransport, type SignedRecord } from './transport.ts';

export { entriesPerIndex, ENTRY_BUCKET } from './hour-plan.ts';

export interface PublisherTimings {
  /** First writes of a start (or recovered()) are spread over this window. */
  spreadMs: number;
  /** goOffline's window: short, the app is closing, but still not one burst. */
  offlineSpreadMs: number;
  /**
   * A put someone waits for, not acknowledged within this long, also goes to the next gateway
   * (PutOptions hedgeAfterMs): a quit's (its budget is 8 s, src/main/core/wiring.ts), a hide's and
   * a decoy's (the shape of a quit), an urgent write's (a new pairing cannot be found before it).
   * One Tor stream that stalls silently would otherwise hold it for the 30 s request timeout, and
   * a retry comes 30-90 s later; a quit's slot was left unwritten, still naming our endpoint.
   */
  hedgeMs: number;
  refreshMinMs: number;
  refreshMaxMs: number;
  /** Next hour's slots are made and first written this long before the boundary. */
  leadMs: number;
  graceMs: number;
  /**
   * Puts in flight at once: slot timers' writes share one bound (a short spread over many contacts
   * would otherwise open every put's circuits at once; measured at 500 contacts and a 60 s spread:
   * 1,536 puts started together, most timed out), and publishNow / goOffline keep one each, so a
   * quit's 'gone' writes never wait behind a burst of first writes.
   */
  concurrency: number;
  /** Chance that a scheduled write carries a fresh value rather than re-putting the last one. */
  freshProbability: number;
  /**
   * A start waits at most this long for the endpoints of its visible members before the first
   * writes begin, so a member slot's first write is already its real entry and no slot is written
   * twice before its refresh (a slot rewritten early would mark itself as a member's).
   */
  endpointWaitMs: number;
  /** One decoy per hour plan (#scheduleDecoy); a test that times events turns them off. */
  decoys: boolean;
  /**
   * A slot whose write failed (every gateway timed out or was unreachable) tries again after a
   * uniform delay in [retryMinMs, retryMaxMs], doubled per failure in a row, never later than its
   * refresh would have been: a gateway outage at start no longer hides us for 15-20 min. Failures
   * come from the transport, the same for member and dummy slots, so when a retry happens says
   * nothing about which slots are real (docs/THREAT-MODEL.md "Registry schedule").
   */
  retryMinMs: number;
  retryMaxMs: number;
}

export const PUBLISHER_TIMINGS: PublisherTimings = {
  spreadMs: 10 * 60_000,
  offlineSpreadMs: 3_000,
  hedgeMs: 3_000,
  refreshMinMs: SCHEDULE_DEFAULTS.refreshMinMs,
  refreshMaxMs: SCHEDULE_DEFAULTS.refreshMaxMs,
  leadMs: SCHEDULE_DEFAULTS.leadMs,
  graceMs: SCHEDULE_DEFAULTS.graceMs,
  concurrency: 8,
  freshProbability: 0.5,
  endpointWaitMs: 120_000,
  decoys: true,
  retryMinMs: 30_000,
  retryMaxMs: 90_000,
};

/** Test timings: the same schedule logic with a spread window of tens of milliseconds. */
export const FAST_PUBLISHER_TIMINGS: PublisherTimings = {
  ...PUBLISHER_TIMINGS,
  spreadMs: 50,
  offlineSpreadMs: 20,
  concurrency: 16,
  endpointWaitMs: 60_000,
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

/** Where the hour plans are kept across restarts (the core passes the encrypted profile store). */
export interface PlanStore {
  load(): Promise<unknown>;
  save(snapshot: PlanSnapshot): Promise<void>;
}

export interface PublisherOptions {
  transport: RegistryTransport;
  identity: Identity;
  replicas?: number;
  timings?: Partial<PublisherTimings>;
  env?: Partial<Environment>;
  plans?: PlanStore;
  log?: (event: string, fields: Record<string, unknown>) => void;
}

interface Write { slot: Slot; kind: WriteKind; record: SignedRecord; onion: string | null }

export class Publisher {
  readonly #transport: RegistryTransport;
  readonly #identity: Identity;
  readonly #secret: Uint8Array;
  readonly #replicas: number;
  readonly #t: PublisherTimings;
  readonly #env: Environment;
  readonly #store: PlanStore | null;
  readonly #log: (event: string, fields: Record<string, unknown>) => void;
  #contacts = new Map<string, CheckedContact>();
  /** Last endpoint each pairing had: a 'gone' names it (hidden pairings have none any more). */
  readonly #lastEndpoint = new Map<string, CheckedContact>();
  #state: OwnState = 'online';
  readonly #plans = new Map<number, HourPlan>();
  /** Record seeds of members, `${hour}:${k}`, kept so a removed member's key can still be written. */
  readonly #seeds = new Map<string, Uint8Array[]>();
  readonly #lastSeq = new Map<string, number>();
  #hourTimer: unknown = null;
  /** One decoy per hour plan (see #scheduleDecoy), keyed by hour. */
  readonly #decoys = new Map<number, unknown>();
  #running = false;
  #loaded = false;
  #saving: Promise<void> = Promise.resolve();
  readonly #stopped = new AbortController();
  readonly #puts: Limiter;
  /** Scheduled writes of a slot that failed in a row (retryMinMs); a slot of a past hour is dropped with its plan. */
  readonly #failures = new WeakMap<Slot, number>();
  /** Slots whose pending write is hedged (hedgeMs): a hide's, a decoy's, an urgent one. */
  readonly #hedged = new WeakSet<Slot>();

  constructor(opts: PublisherOptions) {
    this.#transport = opts.transport;
    this.#identity = opts.identity;
    this.#secret = dummySecret(opts.identity);
    this.#replicas = opts.replicas ?? DEFAULT_REPLICAS;
    if (!Number.isInteger(this.#replicas) || this.#replicas < 1 || this.#replicas > 16) throw RegistryError.BAD_INPUT('replicas must be 1..16');
    this.#t = { ...PUBLISHER_TIMINGS, ...opts.timings };
    this.#env = defaultEnvironment(opts.env);
    this.#store = opts.plans ?? null;
    this.#log = opts.log ?? (() => {});
    this.#puts = new Limiter(this.#t.concurrency, () => RegistryError.ABORTED('a registry write waiting its turn'));
    // Every slot write waiting its turn and every put in flight listens on it: one per slot (N x r) at most.
    setMaxListeners(0, this.#stopped.signal);
  }

  get replicas(): number {
    return this.#replicas;
  }

  /** N of the current hour (lookups pad to it, so gets and puts move to a new bucket together). */
  entriesNow(): number {
    const plan = this.#plans.get(hourOf(this.#env.now()));
    return Math.max(plan?.n ?? 0, entriesPerIndex(this.#contacts.size));
  }

  setContacts(contacts: CheckedContact[]): void {
    const before = this.#contacts;
    this.#contacts = new Map(contacts.map((c) => [c.id, c]));
    for (const c of contacts) if (c.onionPublicKey !== null) this.#lastEndpoint.set(c.id, c);
    if (!this.#running) return;
    if (this.#admitUrgent()) this.#persist();
    // A removed pairing (revoked, deleted, an invitation's s after the upgrade) gets its noise
    // within the spread window, not at a refresh up to 20 min away: whoever still holds that key
    // (the ex-contact, the reader of the invitation mail) must soon find nothing that decrypts.
    // Only that pairing's r slots move; the count per hour does not change.
    const removed = new Set([...before.keys()].filter((id) => !this.#contacts.has(id)));
    // A member whose endpoint came up after its slot's first write (noise) gets its real entry at
    // that slot's next refresh, not now: an early second write would mark the slot as a member's.
    // Only a pairing that must be found now (urgent) is written at once (the one event-caused
    // write, docs/THREAT-MODEL.md).
    const urgentReady = new Set(contacts.filter((c) => c.urgent && c.endpoint !== undefined && before.get(c.id)?.endpoint === undefined).map((c) => c.id));
    // A member who hides gets its 'gone' within the offline window, as a quit would write it: the
    // hidden contact must not see our entry outlive the bye (hide = quit, docs/THREAT-MODEL.md).
    // When nobody is left visible (global invisible), every slot is written, as goOffline does, so
    // the number of members is not shown by how many keys move. Decoys (#scheduleDecoy) give a
    // registry node the same shape once an hour with no event behind it.
    const hidden = new Set(contacts.filter((c) => !this.#visible(c) && before.get(c.id)?.visible === true && this.#state !== 'invisible').map((c) => c.id));
    const everyoneHidden = hidden.size > 0 && ![...this.#contacts.values()].some((c) => this.#visible(c));
    this.#endpointsChanged();
    if (removed.size === 0 && urgentReady.size === 0 && hidden.size === 0) return;
    for (const slot of this.#currentSlots(publishHours(this.#env.now(), { leadMs: this.#t.leadMs }))) {
      if (everyoneHidden || (slot.member !== null && hidden.has(slot.member))) this.#schedule(slot, this.#offlineOffset(), true);
      else if (slot.member === null) continue;
      else if (removed.has(slot.member)) this.#schedule(slot, Math.floor(uniform(this.#env.randomBytes) * this.#t.spreadMs));
      else if (urgentReady.has(slot.member) && slot.last?.kind !== 'real') this.#schedule(slot, 0, true);
    }
  }

  #offlineOffset(): number {
    return Math.floor(uniform(this.#env.randomBytes) * this.#t.offlineSpreadMs);
  }

  setOwnState(state: OwnState): void {
    this.#state = state;
  }

  /**
   * Loads the kept plans, waits (bounded by endpointWaitMs) for the endpoints of the visible
   * members, then starts every slot's timer (first writes spread over spreadMs).
   */
  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    await this.#load();
    await this.#untilEndpoints();
    if (!this.#running) return;
    this.#ensurePlans(this.#t.spreadMs);
    this.#scheduleHour();
  }

  readonly #endpointWaiters = new Set<() => void>();

  #endpointsMissing(): boolean {
    for (const c of this.#contacts.values()) if (this.#visible(c) && c.endpoint === undefined) return true;
    return false;
  }

  #endpointsChanged(): void {
    if (!this.#endpointsMissing()) for (const done of [...this.#endpointWaiters]) done();
  }

  /** Resolves once every visible member has an endpoint, after endpointWaitMs, or on stop. */
  #untilEndpoints(): Promise<void> {
    if (!this.#endpointsMissing()) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = this.#env.timers.setTimeout(() => done(), this.#t.endpointWaitMs);
      const done = (): void => {
        this.#env.timers.clearTimeout(timer);
        this.#endpointWaiters.delete(done);
        resolve();
      };
      this.#endpointWaiters.add(done);
    });
  }

  stop(): void {
    this.#running = false;
    for (const done of [...this.#endpointWaiters]) done();
    if (this.#hourTimer !== null) this.#env.timers.clearTimeout(this.#hourTimer);
    this.#hourTimer = null;
    for (const timer of this.#decoys.values()) this.#env.timers.clearTimeout(timer);
    this.#decoys.clear();
    for (const plan of this.#plans.values()) for (const row of plan.slots) for (const s of row) this.#clearTimer(s);
  }

  /** Every slot of the current hours written once now (spread); tests and benchmarks use it. */
  async publishNow(): Promise<PublishReport> {
    await this.#load();
    const hours = this.#ensurePlans(null);
    return this.#execute('publish', hours, this.#currentSlots(hours), false, this.#t.spreadMs);
  }

  /**
   * Tor or a gateway came back: once the members' endpoints are up again (a tor restart makes new
   * ones; the owner hands them over without endpoints first), every current slot gets its next
   * write within the spread window: the same shape as a start, new endpoints as fresh values.
   */
  recovered(): void {
    if (!this.#running) return;
    void this.#untilEndpoints().then(() => {
      if (!this.#running) return;
      for (const slot of this.#currentSlots(publishHours(this.#env.now(), { leadMs: this.#t.leadMs }))) {
        this.#schedule(slot, Math.floor(uniform(this.#env.randomBytes) * this.#t.spreadMs));
      }
    });
  }

  /** Stops the schedule and writes every slot of the current hours once: members 'gone'. */
  async goOffline(): Promise<PublishReport> {
    this.stop();
    await this.#load();
    const hours = this.#ensurePlans(null);
    const report = await this.#execute('offline', hours, this.#currentSlots(hours), true, this.#t.offlineSpreadMs);
    await this.#saving;
    return report;
  }

  close(): void {
    this.stop();
    this.#stopped.abort();
  }

  // ------------------------------------------------------------------------ plans

  async #load(): Promise<void> {
    if (this.#loaded) return;
    this.#loaded = true;
    if (this.#store === null) return;
    const raw = await this.#store.load().catch(() => null);
    const { plans, seeds } = restorePlans(raw, this.#replicas, this.#secret);
    const current = hourOf(this.#env.now());
    for (const p of plans) if (p.hour >= current - 1 && !this.#plans.has(p.hour)) this.#plans.set(p.hour, p);
    for (const [k, v] of seeds) this.#seeds.set(k, v);
  }

  /** Makes the plans of publishHours(now) that do not exist yet; schedules slots (when `firstWithinMs`). */
  #ensurePlans(firstWithinMs: number | null): number[] {
    const now = this.#env.now();
    const hours = publishHours(now, { leadMs: this.#t.leadMs });
    for (const [hour, plan] of this.#plans) {
      if (hour < hourOf(now) - 1) {
        for (const row of plan.slots) for (const s of row) this.#clearTimer(s);
        this.#plans.delete(hour);
        if (this.#decoys.has(hour)) this.#env.timers.clearTimeout(this.#decoys.get(hour));
        this.#decoys.delete(hour);
        for (const key of this.#seeds.keys()) if (key.startsWith(`${hour}:`)) this.#seeds.delete(key);
      }
    }
    let changed = false;
    for (const hour of hours) {
      if (!this.#plans.has(hour)) {
        this.#plans.set(hour, this.#newPlan(hour));
        changed = true;
      }
      if (firstWithinMs === null || !this.#running) continue;
      if (this.#t.decoys && !this.#decoys.has(hour)) this.#scheduleDecoy(hour, firstWithinMs);
      const window = Math.max(0, Math.min(firstWithinMs, (hour + 1) * HOUR_MS - now));
      for (const row of this.#plans.get(hour)!.slots) {
        for (const slot of row) if (slot.timer === null) this.#schedule(slot, Math.floor(uniform(this.#env.randomBytes) * window));
      }
    }
    if (this.#admitUrgent(firstWithinMs !== null) || changed) this.#persist();
    return hours;
  }

  /** Members: every pairing visible now, in random slots; the rest dummies. */
  #newPlan(hour: number): HourPlan {
    const eligible = [...this.#contacts.values()].filter((c) => this.#visible(c));
    const n = entriesPerIndex(this.#contacts.size);
    const positions = shuffle([...Array(n).keys()], this.#env.randomBytes);
    const members = new Map<number, MemberSeeds>();
    eligible.forEach((c, i) => {
      const k = positions[i]!;
      const m = this.#seedsFor(c, hour);
      members.set(k, m);
      this.#seeds.set(`${hour}:${k}`, m.seeds);
    });
    return makePlan(hour, n, this.#replicas, this.#secret, members);
  }

  #seedsFor(c: CheckedContact, hour: number): MemberSeeds {
    return { id: c.id, seeds: [...Array(this.#replicas).keys()].map((index) => memberSeed(c.sharedKey, c.ownRole, hour, index)) };
  }

  #visible(c: CheckedContact): boolean {
    return c.visible && this.#state !== 'invisible';
  }

  /**
   * A pairing that must be findable now (no link to it: an invitation, a contact not yet met, a
   * new contact whose link dropped) and has no slot in a current hour takes a free one and is
   * written at once, once its endpoint is up (so the one write is its real entry, not noise then
   * the entry). This is the one write an event causes (docs/THREAT-MODEL.md).
   */
  #admitUrgent(schedule = true): boolean {
    const now = this.#env.now();
    let changed = false;
    for (const hour of publishHours(now, { leadMs: this.#t.leadMs })) {
      const plan = this.#plans.get(hour);
      if (plan === undefined) continue;
      const members = membersOf(plan);
      for (const c of this.#contacts.values()) {
        if (!c.urgent || !this.#visible(c) || c.endpoint === undefined || members.has(c.id)) continue;
        const m = this.#seedsFor(c, hour);
        const k = takeFreeSlot(plan, m, (count) => Math.floor(uniform(this.#env.randomBytes) * count));
        if (k === null) continue;
        members.add(c.id);
        this.#seeds.set(`${hour}:${k}`, m.seeds);
        changed = true;
        if (schedule && this.#running) for (const row of plan.slots) this.#schedule(row[k]!, 0, true);
      }
    }
    return changed;
  }

  #persist(): void {
    const store = this.#store;
    if (store === null) return;
    const snapshot = snapshotOf(this.#plans.values(), (plan, k) => this.#seeds.get(`${plan.hour}:${k}`) ?? []);
    this.#saving = this.#saving.then(() => store.save(snapshot)).catch((err: unknown) => this.#log('registry.plan.save-failed', { error: String(err) }));
  }

  #currentSlots(hours: number[]): Slot[] {
    return hours.flatMap((h) => this.#plans.get(h)?.slots.flat() ?? []);
  }

  // ------------------------------------------------------------------------ timers

  #scheduleHour(): void {
    if (!this.#running) return;
    const now = this.#env.now();
    const leadAt = (hourOf(now) + 1) * HOUR_MS - this.#t.leadMs;
    const at = leadAt > now ? leadAt : leadAt + HOUR_MS;
    this.#hourTimer = this.#env.timers.setTimeout(() => {
      this.#hourTimer = null;
      // Next hour's slots: first writes spread over the first 60 % of the lead window.
      this.#ensurePlans(Math.floor(this.#t.leadMs * 0.6));
      this.#scheduleHour();
    }, at - now);
  }

  /**
   * Once per hour, at a uniform moment of it, one dummy column (its r slots) is written within the
   * offline window: the shape a hide (or a removal) leaves, with no event behind it, so a registry
   * node that sees r keys move together cannot tell that an event happened (docs/THREAT-MODEL.md).
   */
  #scheduleDecoy(hour: number, firstWithinMs: number): void {
    const now = this.#env.now();
    // After the first writes (a decoy among them would move a first write, not show) and early
    // enough that its writes land before the hour ends.
    const from = Math.max(now + firstWithinMs, hour * HOUR_MS);
    const end = (hour + 1) * HOUR_MS - this.#t.offlineSpreadMs;
    const at = from + Math.floor(uniform(this.#env.randomBytes) * Math.max(0, end - from));
    this.#decoys.set(hour, this.#env.timers.setTimeout(() => {
      const plan = this.#plans.get(hour);
      if (!this.#running || plan === undefined) return;
      const dummies = [...Array(plan.n).keys()].filter((k) => plan.slots.every((row) => row[k]?.member === null));
      if (dummies.length === 0) return;
      const k = dummies[Math.floor(uniform(this.#env.randomBytes) * dummies.length)]!;
      for (const row of plan.slots) this.#schedule(row[k]!, this.#offlineOffset(), true);
    }, at - now));
  }

  /**
   * `hedged`: the write is one someone waits for (hedgeMs); a later reschedule clears it. Every
   * call starts a new turn of the slot: whatever write an older turn has queued or in flight gives
   * way to this one (#scheduledWrite).
   */
  #schedule(slot: Slot, delayMs: number, hedged = false): void {
    this.#clearTimer(slot);
    const turn = ++slot.turn;
    if (hedged) this.#hedged.add(slot);
    else this.#hedged.delete(slot);
    if (!this.#running) return;
    if (this.#env.now() + delayMs >= (slot.hour + 1) * HOUR_MS) return; // its hour is over by then
    slot.timer = this.#env.timers.setTimeout(() => {
      slot.timer = null;
      void this.#scheduledWrite(slot, turn);
    }, Math.max(0, delayMs));
  }

  /**
   * A slot timer's write, within the bound every put shares (`concurrency`): timers due together
   * queue here instead of opening their circuits at once. The value is decided when the put can
   * start, so a queued write never carries a state older than a hide or a quit that came first.
   * A slot rescheduled meanwhile (a hide's 'gone', an urgent pairing admitted to it) is the newer
   * turn's to write: a queued write of an older turn is dropped, and one already in flight does
   * not schedule the refresh. (Checked by the timer alone, an urgent write queued behind its
   * slot's first write was dropped when that first write's refresh took the timer: the new
   * pairing could not be found until then, slots.test.ts.)
   */
  async #scheduledWrite(slot: Slot, turn: number): Promise<void> {
    let release: () => void;
    try {
      release = await this.#puts.acquire(this.#stopped.signal);
    } catch {
      return; // closed
    }
    let failures = 0;
    try {
      if (!this.#running || slot.turn !== turn || this.#plans.get(slot.hour)?.slots[slot.index]?.[slot.k] !== slot) return;
      await this.#write(this.#decide(slot, false), this.#hedged.has(slot) ? this.#t.hedgeMs : undefined);
      this.#failures.delete(slot);
    } catch (err) {
      failures = (this.#failures.get(slot) ?? 0) + 1;
      this.#failures.set(slot, failures);
      this.#log('registry.put.failed', { kind: 'scheduled', failures, error: String(err) });
    } finally {
      release();
    }
    if (slot.turn !== turn) return; // rescheduled while in flight: the newer turn goes on
    const refresh = nextRefreshDelay(this.#env.randomBytes(4), { minMs: this.#t.refreshMinMs, maxMs: this.#t.refreshMaxMs });
    const retry = retryDelay(this.#env.randomBytes, { minMs: this.#t.retryMinMs, maxMs: this.#t.retryMaxMs }, failures);
    this.#schedule(slot, failures === 0 ? refresh : Math.min(refresh, retry));
  }

  #clearTimer(slot: Slot): void {
    if (slot.timer !== null) this.#env.timers.clearTimeout(slot.timer);
    slot.timer = null;
  }

  // ------------------------------------------------------------------------ values

  /** What slot gets now: a re-put of its last record, or a fresh one (see the header). */
  #decide(slot: Slot, offline: boolean): Write {
    const member = slot.member === null ? undefined : this.#contacts.get(slot.member);
    const fresh = slot.last === null || uniform(this.#env.randomBytes) < this.#t.freshProbability;
    // Noise is re-put as noise only: a slot whose member left or has no endpoint never re-puts a real entry.
    const reput = (): Write | null => (slot.last?.kind === 'dummy' && !fresh ? { slot, ...slot.last } : null);
    if (slot.member === null || member === undefined) return reput() ?? this.#noise(slot);
    const ep = this.#lastEndpoint.get(member.id);
    if (!this.#visible(member)) {
      // Hidden: one 'gone', then that same record for the rest of the hour (hide = quit).
      if (slot.gone) return { slot, kind: 'gone', record: slot.gone, onion: null };
      if (ep === undefined) return reput() ?? this.#noise(slot);
      const record = this.#sealed(slot, ep, 'gone');
      slot.gone = record;
      this.#persist();
      return { slot, kind: 'gone', record, onion: null };
    }
    if (offline) return ep === undefined ? this.#noise(slot) : { slot, kind: 'gone', record: this.#sealed(slot, ep, 'gone'), onion: null };
    if (member.onionPublicKey === null || member.endpoint === undefined) return reput() ?? this.#noise(slot);
    const onion = member.endpoint.onion;
    if (slot.last?.kind === 'real' && slot.last.onion === onion && !fresh) return { slot, ...slot.last };
    const state: PresenceState = this.#state === 'invisible' ? 'gone' : this.#state;
    return { slot, kind: 'real', record: this.#sealed(slot, member, state), onion };
  }

  #noise(slot: Slot): Write {
    return { slot, kind: 'dummy', record: this.#signed(slot, dummyRegistryValue(this.#env.randomBytes(REGISTRY_VALUE_SIZE))), onion: null };
  }

  #sealed(slot: Slot, c: CheckedContact, state: PresenceState): SignedRecord {
    const endpoint = c.endpoint ?? this.#lastEndpoint.get(c.id)?.endpoint;
    const onionPublicKey = c.onionPublicKey ?? this.#lastEndpoint.get(c.id)?.onionPublicKey ?? null;
    if (endpoint === undefined || onionPublicKey === null) throw RegistryError.BAD_INPUT(`contact ${c.id} has no endpoint`);
    const value = sealRegistryValue({
      sharedKey: c.sharedKey, hour: slot.hour, index: slot.index, role: c.ownRole, publisher: this.#identity,
      onionPublicKey, virtualPort: endpoint.port, timestamp: this.#env.now(), state,
      endpointExpiresAt: endpoint.expiresAt, nonce: this.#env.randomBytes(REGISTRY_NONCE_BYTES),
    });
    return this.#signed(slot, value);
  }

  #signed(slot: Slot, value: Uint8Array): SignedRecord {
    const id = toHex(slot.keyPair.publicKey);
    // seq = unix ms, strictly increasing per key: hyperdht refuses a reused seq with another value.
    const seq = Math.max(this.#env.now(), (this.#lastSeq.get(id) ?? 0) + 1, (slot.gone?.seq ?? 0) + 1);
    this.#lastSeq.set(id, seq);
    return { publicKey: slot.keyPair.publicKey, seq, value, signature: signRecord(slot.keyPair, seq, value) };
  }

  async #write(w: Write, hedgeAfterMs?: number): Promise<WriteKind> {
    await this.#transport.put(w.record, { spread: w.slot.index, signal: this.#stopped.signal, ...(hedgeAfterMs === undefined ? {} : { hedgeAfterMs }) });
    // A write that lands after a newer one of its slot (an older turn, still in flight when the slot
    // was rescheduled or given to a pairing) is not what storers keep: `last` stays the newest record
    // under the slot's current key, the one a refresh may re-put.
    const last = w.slot.last;
    if (sameBytes(w.record.publicKey, w.slot.keyPair.publicKey) && (last === null || w.record.seq > last.record.seq)) {
      w.slot.last = { record: w.record, kind: w.kind, onion: w.onion };
    }
    return w.kind;
  }

  async #execute(kind: string, hours: number[], slots: Slot[], offline: boolean, spreadMs: number): Promise<PublishReport> {
    const order = shuffle([...slots], this.#env.randomBytes);
    const offsets = order.map(() => Math.floor(uniform(this.#env.randomBytes) * spreadMs)).sort((a, b) => a - b);
    const report: PublishReport = { hours, entries: order.length, real: 0, gone: 0, dummy: 0, failed: 0, aborted: false };
    const start = this.#env.now();
    const inFlight = new Set<Promise<void>>();
    const signal = this.#stopped.signal;
    for (let i = 0; i < order.length; i++) {
      await sleep(this.#env.timers, start + (offsets[i] ?? 0) - this.#env.now(), signal);
      while (inFlight.size >= this.#t.concurrency && !signal.aborted) await Promise.race(inFlight);
      if (signal.aborted) {
        report.aborted = true;
        break;
      }
      const w = this.#decide(order[i]!, offline);
      report[w.kind]++;
      const p: Promise<void> = this.#write(w, offline ? this.#t.hedgeMs : undefined).then(
        () => undefined,
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
}

/** For tests: the record key pair a member's slot uses (DESIGN D4). */
export function memberKeyPair(c: Pick<CheckedContact, 'sharedKey' | 'ownRole'>, hour: number, index: number): ReturnType<typeof recordKeyPair> {
  return recordKeyPair(memberSeed(c.sharedKey, c.ownRole, hour, index));
}
