// Reads contacts' entries (DESIGN D4; issue 4 item 3). For a contact: the keys of the peer's role
// for every hour of lookupHours(now) and every replica, fetched in one padded batch; every record
// is checked (hyperdht signature, then decryption with K_AB, AD = role||D||I, the publisher's
// identity signature, the expected identity unless bootstrapping, timestamp freshness). The
// newest valid entry wins; 'gone' means the contact went offline.
//
// Gets are padded like puts: a sweep over all pairings asks for exactly N x hours x r keys (N =
// the current hour's entries per index, the publisher's bucket), random keys filling the gap,
// shuffled into batches of 12. The core reads only through sweeps on one fixed schedule
// (registry.ts), so what a gateway sees does not depend on how many contacts a profile has within
// its bucket, how many are online or linked. `lookupOne` (one padded batch of 12) is for tests and
// benchmarks only. Extra keys (a pending redemption's tombstone keys, ExtraKey) take padding slots:
// every r of them count as one pairing when the sweep is sized.
import { defaultEnvironment, shuffle, type Environment } from './environment.ts';
import type { CheckedContact } from './contacts.ts';
import { entriesPerIndex } from './hour-plan.ts';
import {
  DEFAULT_REPLICAS, SCHEDULE_DEFAULTS, lookupHours, onionAddressFromPublicKey, openRegistryValue,
  recordKeyPair, recordSeed, registryKey, verifyRecord, isProtocolError, type PresenceState,
} from './protocol.ts';
import { MAX_KEYS_PER_GET, sameBytes, type RegistryTransport, type SignedRecord } from './transport.ts';

/** What a contact's newest valid entry says. */
export interface ContactSighting {
  contactId: string;
  /** 'gone' = the contact went offline (or hid from us) this hour. */
  state: PresenceState;
  /** "<56 chars>.onion" */
  onion: string;
  port: number;
  /** Unix ms the contact wrote the entry. */
  timestamp: number;
  endpointExpiresAt: number;
  /** The identity that signed the entry (the contact's identity key; new information while bootstrapping). */
  publisherPublicKey: Uint8Array;
  hour: number;
}

/**
 * A key read in every sweep besides the pairings' (a pending redemption's tombstone keys,
 * docs/PROTOCOL.md "Invitation taken tombstone"): it takes the place of a random padding key.
 */
export interface ExtraKey {
  key: Uint8Array;
  /** A record found under the key (hyperdht signature checked, key equal); opening it is the caller's. */
  onRecord(record: SignedRecord): void;
}

export interface LookupTimings {
  leadMs: number;
  graceMs: number;
  /**
   * Entries older than this are ignored. A slot may re-put one value for its whole hour (plus the
   * lead window) before a fresh one, so an entry up to ~65 min old is still current. An entry's age
   * never makes anyone online (only a link does); it only decides whether dialing is worth it.
   */
  maxAgeMs: number;
}

/**
 * Get batches of one sweep in flight at once (each its own circuit per gateway asked). Eight covers
 * a whole sweep of the first bucket (16 entries x 1-2 hours x 3 replicas = 4-8 batches), so the
 * sweep a start runs first costs about one get, not one per wave of batches (issue 11 item 1,
 * measured in bench/core.bench.ts); a larger address book's sweep goes eight batches at a time.
 */
export const BATCHES_IN_FLIGHT = 8;

export const LOOKUP_TIMINGS: LookupTimings = {
  leadMs: SCHEDULE_DEFAULTS.leadMs,
  graceMs: SCHEDULE_DEFAULTS.graceMs,
  maxAgeMs: 90 * 60_000,
};

interface Slot {
  contact: CheckedContact;
  hour: number;
  index: number;
  publicKey: Uint8Array;
}

export interface LookupOptions {
  transport: RegistryTransport;
  replicas?: number;
  timings?: Partial<LookupTimings>;
  env?: Partial<Environment>;
  log?: (event: string, fields: Record<string, unknown>) => void;
}

export class Lookup {
  readonly #transport: RegistryTransport;
  readonly #replicas: number;
  readonly #t: LookupTimings;
  readonly #env: Environment;
  readonly #log: (event: string, fields: Record<string, unknown>) => void;

  constructor(opts: LookupOptions) {
    this.#transport = opts.transport;
    this.#replicas = opts.replicas ?? DEFAULT_REPLICAS;
    this.#t = { ...LOOKUP_TIMINGS, ...opts.timings };
    this.#env = defaultEnvironment(opts.env);
    this.#log = opts.log ?? (() => {});
  }

  /** The peer's record keys for the hours a reader looks at now. */
  slots(contact: CheckedContact, now: number): Slot[] {
    const out: Slot[] = [];
    for (const hour of lookupHours(now, { leadMs: this.#t.leadMs, graceMs: this.#t.graceMs })) {
      for (let index = 0; index < this.#replicas; index++) {
        const x = registryKey(contact.sharedKey, hour, index);
        out.push({ contact, hour, index, publicKey: recordKeyPair(recordSeed(x, contact.peerRole)).publicKey });
      }
    }
    return out;
  }

  /** One contact: one batch of exactly 12 keys (its own, padded with random keys). */
  async lookupOne(contact: CheckedContact, signal?: AbortSignal): Promise<ContactSighting | null> {
    const now = this.#env.now();
    const slots = this.slots(contact, now);
    const padTo = Math.ceil(slots.length / MAX_KEYS_PER_GET) * MAX_KEYS_PER_GET;
    return (await this.#read([contact], slots, padTo, now, signal)).get(contact.id) ?? null;
  }

  /**
   * Every contact at once, padded to N x hours x r keys whatever the number of contacts. Each
   * record is checked as its batch answers; `onFirst` hears a contact's first valid entry that is
   * not 'gone' at that moment, so a dial need not wait for the sweep's slowest batch (issue 11
   * item 1). The result still holds each contact's newest entry over all batches.
   */
  async sweep(
    contacts: CheckedContact[], entriesPerIndexNow?: number, signal?: AbortSignal, onFirst?: (s: ContactSighting) => void, extras: readonly ExtraKey[] = [],
  ): Promise<Map<string, ContactSighting | null>> {
    const now = this.#env.now();
    const hours = lookupHours(now, { leadMs: this.#t.leadMs, graceMs: this.#t.graceMs }).length;
    const slots = contacts.flatMap((c) => this.slots(c, now));
    // Every r extra keys count as one more pairing (which would ask hours x r >= r keys): the sweep
    // still asks N x hours x r keys, and they always fit in it.
    const n = Math.max(entriesPerIndexNow ?? 0, entriesPerIndex(contacts.length + Math.ceil(extras.length / this.#replicas)));
    const padTo = n * hours * this.#replicas;
    return this.#read(contacts, slots, padTo, now, signal, onFirst, extras);
  }

  /** Fetches the slots (padded), opens each record as its batch answers; each contact's newest entry. */
  async #read(
    contacts: CheckedContact[], slots: Slot[], padTo: number, now: number, signal?: AbortSignal, onFirst?: (s: ContactSighting) => void, extras: readonly ExtraKey[] = [],
  ): Promise<Map<string, ContactSighting | null>> {
    const newest = new Map<string, ContactSighting | null>(contacts.map((c) => [c.id, null]));
    const heard = new Set<string>();
    const keys = [...slots.map((s) => s.publicKey), ...extras.map((e) => e.key)];
    await this.#fetch(keys, padTo, signal, (i, record) => {
      if (i >= slots.length) {
        const extra = extras[i - slots.length]!;
        if (sameBytes(record.publicKey, extra.key) && verifyRecord(record.publicKey, record.seq, record.value, record.signature)) extra.onRecord(record);
        return;
      }
      const sighting = this.#open(slots[i]!, record, now);
      if (sighting === null) return;
      const best = newest.get(sighting.contactId) ?? null;
      if (best === null || sighting.timestamp > best.timestamp) newest.set(sighting.contactId, sighting);
      if (sighting.state === 'gone' || heard.has(sighting.contactId)) return;
      heard.add(sighting.contactId);
      onFirst?.(sighting);
    });
    return newest;
  }

  /** Gets `keys` mixed with random keys up to `padTo`, shuffled; `onRecord` hears each key's record (by its index) as its batch answers. */
  async #fetch(keys: Uint8Array[], padTo: number, signal: AbortSignal | undefined, onRecord: (slot: number, record: SignedRecord) => void): Promise<void> {
    const asks: { slot: number; key: Uint8Array }[] = keys.map((key, slot) => ({ slot, key }));
    for (let i = keys.length; i < padTo; i++) asks.push({ slot: -1, key: this.#env.randomBytes(32) });
    shuffle(asks, this.#env.randomBytes);
    // Batch by batch: one batch that fails on every gateway (a DHT timeout under load) costs only
    // its own keys, the rest of the sweep still counts. Every batch is asked either way, so the
    // requests a gateway sees do not depend on what failed. BATCHES_IN_FLIGHT at a time: a sweep
    // takes about one lookup, not one per batch (the first sweep at start is what a contact
    // already online waits for), with the same requests, only closer together in time.
    const batches = Math.ceil(asks.length / MAX_KEYS_PER_GET);
    let failures = 0;
    let lastError: unknown = null;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < batches) {
        const from = next++ * MAX_KEYS_PER_GET;
        const batch = asks.slice(from, from + MAX_KEYS_PER_GET).map((a) => a.key);
        let answer: (SignedRecord | null)[];
        try {
          answer = await this.#transport.get(batch, signal);
        } catch (err) {
          if (signal?.aborted) throw err;
          failures++;
          lastError = err;
          this.#log('registry.lookup.batch-failed', { error: String(err) });
          continue;
        }
        answer.forEach((r, j) => {
          const slot = asks[from + j]!.slot;
          if (r !== null && slot >= 0) onRecord(slot, r);
        });
      }
    };
    await Promise.all(Array.from({ length: Math.min(BATCHES_IN_FLIGHT, batches) }, worker));
    // Every batch failed: the transport's own coded error (ALL_GATEWAYS_FAILED with its cause) says why.
    if (failures > 0 && failures === batches) throw lastError;
  }

  /** One slot's record checked and opened, or null when it is not a valid entry of the contact's. */
  #open(slot: Slot, record: SignedRecord, now: number): ContactSighting | null {
    const contact = slot.contact;
    // The transport verified already; checked again here because this is where trust is decided.
    if (!sameBytes(record.publicKey, slot.publicKey) || !verifyRecord(record.publicKey, record.seq, record.value, record.signature)) return null;
    try {
      const entry = openRegistryValue(record.value, {
        sharedKey: contact.sharedKey,
        hour: slot.hour,
        index: slot.index,
        role: contact.peerRole,
        now,
        maxAgeMs: this.#t.maxAgeMs,
        ...(contact.peerIdentityPk === undefined ? {} : { expectedPublisher: contact.peerIdentityPk }),
      });
      return {
        contactId: contact.id,
        state: entry.state,
        onion: onionAddressFromPublicKey(entry.onionPublicKey),
        port: entry.virtualPort,
        timestamp: entry.timestamp,
        endpointExpiresAt: entry.endpointExpiresAt,
        publisherPublicKey: entry.publisherPublicKey,
        hour: slot.hour,
      };
    } catch (err) {
      // A dummy of someone else cannot sit under this key; failures are stale, forged by the
      // other holder of K_AB, or replayed from another slot. Skipped, counted in the log.
      if (!isProtocolError(err)) throw err;
      this.#log('registry.lookup.rejected', { code: err.code, hour: slot.hour, index: slot.index });
      return null;
    }
  }
}
