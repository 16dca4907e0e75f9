// Which key each registry slot of an hour is written under (docs/PROTOCOL.md "Registry schedule").
//
// An hour D has N slots per replica index I, N = entriesPerIndex(pairings when the plan was made).
// Slot k holds either a member (a pairing that was visible when the plan was made, or one that had
// to be findable at once and took a free slot) under its real record key, or a dummy under a key
// derived from a profile secret and (D, I, k). Dummy keys are therefore the same after a restart,
// a lock/unlock or a tor restart: a DHT node that compares the keys it sees before and after
// cannot pick out the real ones (seen in issue 10 with random in-memory dummy keys). Members are
// persisted (encrypted, in the profile store) with their record seeds, so a restart within the hour
// writes exactly the same key set even if a member was removed meanwhile.
import { createHmac } from 'node:crypto';
import { recordKeyPair, recordSeed, registryKey, type Identity, type RecordKeyPair, type Role } from './protocol.ts';
import type { SignedRecord } from './transport.ts';

export const ENTRY_BUCKET = 16;

/** N: entries written per hour and replica index for a profile with `pairings` pairings. */
export function entriesPerIndex(pairings: number): number {
  return Math.max(ENTRY_BUCKET, Math.ceil(pairings / ENTRY_BUCKET) * ENTRY_BUCKET);
}

function hmac(key: Uint8Array, ...parts: Uint8Array[]): Uint8Array {
  const h = createHmac('sha256', key);
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

/** The profile's dummy secret: HMAC-SHA256(identity seed, "sotto/registry-dummies/v1"). */
export function dummySecret(identity: Identity): Uint8Array {
  return hmac(identity.secretKey.subarray(0, 32), new TextEncoder().encode('sotto/registry-dummies/v1'));
}

/** Dummy slot k of hour D, index I: ed25519 from HMAC-SHA256(secret, label || u64 D || u8 I || u16 k). */
export function dummyKeyPair(secret: Uint8Array, hour: number, index: number, slot: number): RecordKeyPair {
  const where = new Uint8Array(11);
  const view = new DataView(where.buffer);
  view.setBigUint64(0, BigInt(hour));
  view.setUint8(8, index);
  view.setUint16(9, slot);
  return recordKeyPair(hmac(secret, new TextEncoder().encode('sotto/registry-dummy/v1'), where));
}

/** Seed of a pairing's own record key in hour D, index I (DESIGN D4: from X and our role). */
export function memberSeed(sharedKey: Uint8Array, ownRole: Role, hour: number, index: number): Uint8Array {
  return recordSeed(registryKey(sharedKey, hour, index), ownRole);
}

export type WriteKind = 'real' | 'gone' | 'dummy';

export interface Slot {
  hour: number;
  index: number;
  k: number;
  keyPair: RecordKeyPair;
  /** The pairing written here, or null for a dummy. */
  member: string | null;
  /** What this run wrote here last (re-put unchanged when nothing is new). */
  last: { record: SignedRecord; kind: WriteKind; onion: string | null } | null;
  /** The 'gone' written after the member hid: re-put as is, never sealed again (hide = quit). */
  gone: SignedRecord | null;
  timer: unknown;
  /**
   * Bumped by every (re)schedule of this slot. A write queued or in flight under an older turn is
   * superseded: it neither writes (queued) nor reschedules (in flight); the newest turn does both.
   */
  turn: number;
}

export interface HourPlan {
  hour: number;
  n: number;
  /** slots[index][k] */
  slots: Slot[][];
}

export interface MemberSeeds { id: string; seeds: Uint8Array[] }

export function makePlan(hour: number, n: number, replicas: number, secret: Uint8Array, members: Map<number, MemberSeeds>): HourPlan {
  const slots: Slot[][] = [];
  for (let index = 0; index < replicas; index++) {
    const row: Slot[] = [];
    for (let k = 0; k < n; k++) {
      const m = members.get(k);
      const seed = m?.seeds[index];
      row.push({
        hour, index, k,
        keyPair: m !== undefined && seed !== undefined ? recordKeyPair(seed) : dummyKeyPair(secret, hour, index, k),
        member: m?.id ?? null, last: null, gone: null, timer: null, turn: 0,
      });
    }
    slots.push(row);
  }
  return { hour, n, slots };
}

/** Gives a free (dummy) slot k to `member` in every index; false when the hour is full. */
export function takeFreeSlot(plan: HourPlan, member: MemberSeeds, pick: (count: number) => number): number | null {
  const free = (plan.slots[0] ?? []).filter((s) => s.member === null).map((s) => s.k);
  if (free.length === 0) return null;
  const k = free[pick(free.length)] ?? free[0]!;
  plan.slots.forEach((row, index) => {
    const slot = row[k]!;
    slot.member = member.id;
    slot.keyPair = recordKeyPair(member.seeds[index]!);
    slot.last = null;
    slot.gone = null;
  });
  return k;
}

export function membersOf(plan: HourPlan): Set<string> {
  return new Set((plan.slots[0] ?? []).flatMap((s) => (s.member === null ? [] : [s.member])));
}

// ------------------------------------------------------------------------- persisted form

/** What is kept across restarts (JSON, inside the encrypted profile store). */
export interface PlanSnapshot {
  v: 1;
  hours: { hour: number; n: number; members: { k: number; id: string; seeds: string[]; gone: (WireRecord | null)[] }[] }[];
}
interface WireRecord { seq: number; value: string; signature: string; publicKey: string }

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));

export function snapshotOf(plans: Iterable<HourPlan>, seedsOf: (plan: HourPlan, k: number) => Uint8Array[]): PlanSnapshot {
  const hours: PlanSnapshot['hours'] = [];
  for (const plan of plans) {
    const members = (plan.slots[0] ?? []).filter((s) => s.member !== null).map((s) => ({
      k: s.k,
      id: s.member!,
      seeds: seedsOf(plan, s.k).map(hex),
      gone: plan.slots.map((row) => {
        const g = row[s.k]?.gone;
        return g ? { seq: g.seq, value: hex(g.value), signature: hex(g.signature), publicKey: hex(g.publicKey) } : null;
      }),
    }));
    hours.push({ hour: plan.hour, n: plan.n, members });
  }
  return { v: 1, hours };
}

/** Reads a snapshot back; anything malformed is dropped (a fresh plan is made instead). */
export function restorePlans(raw: unknown, replicas: number, secret: Uint8Array): { plans: HourPlan[]; seeds: Map<string, Uint8Array[]> } {
  const plans: HourPlan[] = [];
  const seeds = new Map<string, Uint8Array[]>();
  if (typeof raw !== 'object' || raw === null || (raw as { v?: unknown }).v !== 1) return { plans, seeds };
  const hours = (raw as { hours?: unknown }).hours;
  if (!Array.isArray(hours)) return { plans, seeds };
  for (const h of hours as unknown[]) {
    try {
      const o = h as PlanSnapshot['hours'][number];
      if (!Number.isSafeInteger(o.hour) || !Number.isInteger(o.n) || o.n < ENTRY_BUCKET || o.n > 4096 || !Array.isArray(o.members)) continue;
      const members = new Map<number, MemberSeeds>();
      for (const m of o.members) {
        if (!Number.isInteger(m.k) || m.k < 0 || m.k >= o.n || typeof m.id !== 'string' || !Array.isArray(m.seeds) || m.seeds.length !== replicas) throw new Error('bad member');
        const s = m.seeds.map((x) => unhex(String(x)));
        if (s.some((x) => x.length !== 32)) throw new Error('bad seed');
        members.set(m.k, { id: m.id, seeds: s });
        seeds.set(`${o.hour}:${m.k}`, s);
      }
      const plan = makePlan(o.hour, o.n, replicas, secret, members);
      for (const m of o.members) {
        (m.gone ?? []).forEach((g, index) => {
          const slot = plan.slots[index]?.[m.k];
          if (!g || !slot) return;
          slot.gone = { seq: g.seq, value: unhex(g.value), signature: unhex(g.signature), publicKey: unhex(g.publicKey) };
        });
      }
      plans.push(plan);
    } catch {
      // one bad hour is skipped, the others still count
    }
  }
  return { plans, seeds };
}
