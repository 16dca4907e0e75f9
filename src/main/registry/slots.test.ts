// The write schedule's promises (docs/PROTOCOL.md "Registry schedule", issue 10 item 1), checked on
// the publisher against an in-memory store that keeps hyperdht's seq rules: derived dummy keys give
// the same key set after a restart; adds, hides and removals swap no key within the hour; a hide
// leaves exactly what a quit leaves; events write nothing. The same claims are shown on running
// cores over the testbed in src/main/core/privacy.int.test.ts.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { HOUR_MS, ready, type Identity } from '../../protocol/index.ts';
import { FAST_PUBLISHER_TIMINGS, memberKeyPair, type PlanStore } from './publisher.ts';
import { Registry } from './registry.ts';
import type { RegistryTimings } from './registry.ts';
import { contactPair, settableClock } from './test-support.ts';
import type { PutOptions, RegistryTransport, SignedRecord } from './transport.ts';
import type { ContactSighting } from './lookup.ts';
import type { PlanSnapshot } from './hour-plan.ts';

before(() => ready());

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** hyperdht's mutable store in memory: a lower seq, or the same seq with another value, is refused. */
class Board implements RegistryTransport {
  readonly records = new Map<string, SignedRecord>();
  /** `hedged`: the put asked the transport to hedge it (PutOptions hedgeAfterMs). */
  readonly puts: { key: string; seq: number; at: number; hedged: boolean }[] = [];
  gets = 0;
  keysAsked = 0;
  readonly #waiters = new Set<{ ready: () => boolean; done: () => void }>();
  async put(r: SignedRecord, opts?: PutOptions): Promise<void> {
    const key = hex(r.publicKey);
    const old = this.records.get(key);
    if (old && (r.seq < old.seq || (r.seq === old.seq && hex(r.value) !== hex(old.value)))) throw new Error('SEQ refused');
    this.records.set(key, r);
    this.puts.push({ key, seq: r.seq, at: Date.now(), hedged: opts?.hedgeAfterMs !== undefined });
    this.changed();
  }
  async get(keys: Uint8Array[]): Promise<(SignedRecord | null)[]> {
    this.gets++;
    this.keysAsked += keys.length;
    return keys.map((k) => this.records.get(hex(k)) ?? null);
  }
  async close(): Promise<void> {}
  /** Resolves once `n` puts were made, or after `withinMs` (the caller's assertions then say what is missing). */
  untilPuts(n: number, withinMs = 10_000): Promise<void> {
    return this.until(() => this.puts.length >= n, withinMs);
  }
  /** Resolves once `ready()` holds (checked whenever the board changes), or after `withinMs`. */
  protected until(ready: () => boolean, withinMs: number): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter = { ready, done: (): void => {
        clearTimeout(timer);
        this.#waiters.delete(waiter);
        resolve();
      } };
      const timer = setTimeout(waiter.done, withinMs);
      this.#waiters.add(waiter);
    });
  }
  protected changed(): void {
    for (const w of this.#waiters) if (w.ready()) w.done();
  }
  keysSince(from: number): Set<string> {
    return new Set(this.puts.slice(from).map((p) => p.key));
  }
}

function memoryPlans(): PlanStore & { saved: PlanSnapshot | null } {
  const store = {
    saved: null as PlanSnapshot | null,
    load: async () => (store.saved === null ? null : JSON.parse(JSON.stringify(store.saved)) as unknown),
    save: async (s: PlanSnapshot) => { store.saved = s; },
  };
  return store;
}

const midHour = (): number => (Math.floor(Date.now() / HOUR_MS) + 5) * HOUR_MS + 20 * 60_000;
/**
 * A clock that runs in real time (the registry's timers are real here) but starts mid-hour, so no
 * test lands in the lead window before an hour's end, where the publisher also writes the next
 * hour's slots: run on the wall clock, these counts failed whenever CI ran at :55-:00.
 */
const midHourNow = (): (() => number) => settableClock(midHour()).now;

function registry(board: Board, identity: Identity, now: () => number, plans?: PlanStore, timings: Partial<RegistryTimings> = {}): Registry {
  // Referenced timers: nothing else keeps this test's event loop alive (the default ones are unref'd).
  const timers = { setTimeout: (fn: () => void, ms: number): unknown => setTimeout(fn, ms), clearTimeout: (h: unknown) => clearTimeout(h as NodeJS.Timeout) };
  return new Registry({ transport: board, identity, timings: { ...FAST_PUBLISHER_TIMINGS, ...timings }, env: { now, timers }, ...(plans ? { plans } : {}) });
}

test('0 and 1 contacts: the same 48 puts and the same padded gets; keys derived, so a restart shows the same set', async () => {
  const clock = settableClock(midHour());
  const pair = contactPair();
  const views: { puts: number; keys: Set<string>; gets: number; asked: number }[] = [];
  for (const contacts of [[], [pair.a.contact]]) {
    const board = new Board();
    const r = registry(board, pair.a.identity, clock.now);
    r.setContacts(contacts);
    await r.publishNow();
    await r.sweep();
    views.push({ puts: board.puts.length, keys: board.keysSince(0), gets: board.gets, asked: board.keysAsked });
    await r.close();
  }
  assert.equal(views[0]!.puts, 48);
  assert.equal(views[1]!.puts, 48);
  assert.equal(views[0]!.asked, views[1]!.asked, 'gets padded to the bucket');
  // The dummies of the profile with 0 contacts are 47 of the 48 keys of the one with 1.
  const common = [...views[0]!.keys].filter((k) => views[1]!.keys.has(k)).length;
  assert.equal(common, 45, '3 real keys (one per replica) in place of 3 dummies, the rest identical');

  // Restart within the hour: a new process with the same identity writes the same set.
  const board = new Board();
  const plans = memoryPlans();
  const first = registry(board, pair.a.identity, clock.now, plans);
  first.setContacts([pair.a.contact]);
  await first.publishNow();
  await first.close();
  const before = board.keysSince(0);
  const mark = board.puts.length;
  const second = registry(board, pair.a.identity, clock.now, plans);
  second.setContacts([pair.a.contact]);
  await second.publishNow();
  await second.close();
  assert.deepEqual([...board.keysSince(mark)].sort(), [...before].sort(), 'the same key set after a restart');
});

test('a contact added, hidden or removed mid-hour swaps no key, also across a restart; the added one has its slot next hour', async () => {
  const clock = settableClock(midHour());
  const one = contactPair();
  const two = contactPair({ bId: 'second' });
  const two2 = two.a.contact;
  const board = new Board();
  const plans = memoryPlans();
  const me = one.a.identity;
  const r = registry(board, me, clock.now, plans);
  r.setContacts([one.a.contact]);
  await r.publishNow();
  const keys = board.keysSince(0);
  for (const list of [
    [one.a.contact, two2], // added (linked: not urgent)
    [{ ...one.a.contact, visible: false }, two2], // hidden
    [two2], // removed
  ]) {
    r.setContacts(list);
    const mark = board.puts.length;
    await r.publishNow();
    assert.deepEqual([...board.keysSince(mark)].sort(), [...keys].sort(), 'no key swapped');
  }
  await r.close();
  const again = registry(board, me, clock.now, plans);
  again.setContacts([two2]);
  let mark = board.puts.length;
  await again.publishNow();
  assert.deepEqual([...board.keysSince(mark)].sort(), [...keys].sort(), 'the same set after a restart');
  clock.advance(HOUR_MS);
  mark = board.puts.length;
  const report = await again.publishNow();
  assert.equal(report.real, 3, 'next hour: the added contact has its slot');
  await again.close();
});

test('hiding leaves under the contact\'s keys exactly what quitting leaves: one gone, nothing fresher, also after a restart', async () => {
  const clock = settableClock(midHour());
  const pair = contactPair();
  const seen = async (board: Board): Promise<string[]> => {
    const s = await peerReads(board, pair, clock.now);
    return s === null ? ['none'] : [s.state];
  };
  const history = (board: Board, keys: Set<string>): string[] => board.puts.filter((p) => keys.has(p.key)).map((p) => `${p.key}:${p.seq}`);

  // Quit: gone once.
  const quitBoard = new Board();
  const q = registry(quitBoard, pair.a.identity, clock.now);
  q.setContacts([pair.a.contact]);
  await q.publishNow();
  const quitAt = quitBoard.puts.length;
  await q.goOffline();
  await q.close();
  assert.deepEqual(await seen(quitBoard), ['gone']);
  assert.ok(quitBoard.puts.slice(0, quitAt).every((p) => !p.hedged) && quitBoard.puts.slice(quitAt).every((p) => p.hedged), 'the quit\'s puts are hedged, a publish\'s are not');

  // Hide: gone once, then re-put unchanged (same seq: nothing fresher), through a restart and a quit.
  const board = new Board();
  const plans = memoryPlans();
  const h = registry(board, pair.a.identity, clock.now, plans);
  h.setContacts([pair.a.contact]);
  await h.publishNow();
  const realKeys = new Set(contactKeys(pair, clock.now()));
  h.setContacts([{ ...pair.a.contact, visible: false, endpoint: undefined }]);
  await h.publishNow();
  assert.deepEqual(await seen(board), ['gone']);
  const afterHide = new Map([...board.records].map(([k, v]) => [k, v.seq]));
  clock.advance(60_000);
  await h.publishNow();
  await h.close();
  const restarted = registry(board, pair.a.identity, clock.now, plans);
  restarted.setContacts([{ ...pair.a.contact, visible: false, endpoint: undefined }]);
  await restarted.publishNow();
  await restarted.goOffline();
  await restarted.close();
  const peerKeys = contactKeys(pair, clock.now());
  for (const k of peerKeys) assert.equal(board.records.get(k)?.seq, afterHide.get(k), 'the gone under the contact\'s key never gets fresher');
  assert.ok(history(board, realKeys).length > 0);
  assert.deepEqual(await seen(board), ['gone']);
  // Next hour: neither a quitter nor a hider writes anything under the contact's keys.
  clock.advance(HOUR_MS);
  const next = registry(board, pair.a.identity, clock.now, plans);
  next.setContacts([{ ...pair.a.contact, visible: false, endpoint: undefined }]);
  await next.publishNow();
  await next.close();
  assert.deepEqual(await seen(board), ['none']);
});

/** Our own record keys for the contact in the current hour (what the contact reads). */
function contactKeys(pair: ReturnType<typeof contactPair>, now: number): string[] {
  const hour = Math.floor(now / HOUR_MS);
  return [0, 1, 2].map((index) => hex(memberPublicKey(pair.a.contact, hour, index)));
}

function memberPublicKey(c: ReturnType<typeof contactPair>['a']['contact'], hour: number, index: number): Uint8Array {
  return memberKeyPair(c, hour, index).publicKey;
}

test('a status change or a new contact writes nothing, a hide writes only that contact\'s gone; every slot on its own timer', async () => {
  const now = midHourNow();
  const pair = contactPair();
  const board = new Board();
  const r = registry(board, pair.a.identity, now, undefined, { spreadMs: 300, refreshMinMs: 60_000, refreshMaxMs: 60_000, sweepMinMs: 60_000, sweepMaxMs: 60_000 });
  try {
    r.setContacts([pair.a.contact]);
    await r.start();
    await board.untilPuts(48);
    assert.equal(board.puts.length, 48, 'every slot written once in the spread window');
    assert.ok(board.puts.every((p) => !p.hedged), 'first writes are not hedged');
    const times = board.puts.map((p) => p.at);
    assert.ok(Math.max(...times) - Math.min(...times) >= 50, 'first writes spread, not one burst');
    assert.ok(board.keysAsked >= 48 && board.keysAsked % 48 === 0 && board.keysAsked === 12 * board.gets, `sweeps of 48 keys in batches of 12 (${board.gets} batches)`);
    r.setOwnState('away');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(board.puts.length, 48, 'no write followed a status change');
    // Hiding from the one contact (two contacts, so not everyone is hidden): its 3 keys get 'gone'
    // within the offline window, as a quit writes them; no other key moves.
    const other = contactPair({ bId: 'other' }).a.contact;
    r.setContacts([pair.a.contact, other]);
    r.setContacts([{ ...pair.a.contact, visible: false }, other]);
    const hideAt = Date.now();
    await board.untilPuts(51);
    const hideWrites = board.puts.slice(48);
    assert.deepEqual(hideWrites.map((p) => p.key).sort(), contactKeys(pair, now()).sort(), 'the hidden contact\'s 3 keys, nothing else');
    assert.ok(Math.max(...hideWrites.map((p) => p.at)) - hideAt < 1_000, 'written within the offline window');
    assert.ok(hideWrites.every((p) => p.hedged), 'hedged, as a quit\'s puts are');
    assert.equal((await peerReads(board, pair, now))?.state, 'gone', 'the contact reads gone, as after a quit');
    r.setContacts([{ ...pair.a.contact, visible: false }, other, contactPair({ bId: 'new' }).a.contact]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(board.puts.length, 51, 'a new contact writes nothing');
  } finally {
    await r.close(); // referenced timers: a failed assertion must not leave them running
  }
});

test('an urgent pairing (an invitation, a new contact with no link) takes a free slot: written at once, hedged, nothing else moves', async () => {
  const now = midHourNow();
  const pair = contactPair();
  const board = new Board();
  const r = registry(board, pair.a.identity, now, undefined, { spreadMs: 200, refreshMinMs: 60_000, refreshMaxMs: 60_000, sweepMinMs: 60_000, sweepMaxMs: 60_000 });
  try {
    r.setContacts([]);
    await r.start();
    await board.untilPuts(48);
    const mark = board.puts.length;
    r.setContacts([{ ...pair.a.contact, urgent: true }]);
    await board.untilPuts(mark + 3);
    const urgent = board.puts.slice(mark);
    assert.deepEqual(urgent.map((p) => p.key).sort(), contactKeys(pair, now()).sort(), 'the pairing\'s 3 keys, nothing else');
    assert.ok(urgent.every((p) => p.hedged), 'hedged: the contact waits for this entry');
    assert.ok(board.puts.slice(0, mark).every((p) => !p.hedged), 'first writes are not');
    assert.equal((await peerReads(board, pair, now))?.state, 'online', 'the contact finds us now');
  } finally {
    await r.close();
  }
});

/** A store whose puts hold until `open()`, as puts over a loaded Tor do: `entered` counts puts begun. */
class GatedBoard extends Board {
  entered = 0;
  #open = false;
  #held: (() => void)[] = [];
  override async put(r: SignedRecord, opts?: PutOptions): Promise<void> {
    this.entered++;
    this.changed();
    if (!this.#open) await new Promise<void>((resolve) => this.#held.push(resolve));
    return super.put(r, opts);
  }
  untilEntered(n: number, withinMs = 10_000): Promise<void> {
    return this.until(() => this.entered >= n, withinMs);
  }
  /** Lets every held put go, the last begun first with `newestFirst`; later puts pass at once. */
  open(newestFirst = false): void {
    this.#open = true;
    const held = this.#held.splice(0);
    for (const release of newestFirst ? held.reverse() : held) release();
  }
}

test('an urgent pairing admitted while its slot\'s first write is in flight or queued is written once, not lost and not twice', async () => {
  // concurrency 48: every first write is in flight when the pairing comes, and the urgent writes
  // queue behind them (they were lost: the first write's refresh took the slot's timer, and the
  // pairing could not be found until that refresh). 1: one is in flight, the rest are queued with
  // the pairing's slot among them: its queued first write gives way to the urgent one.
  for (const concurrency of [48, 1]) {
    const now = midHourNow();
    const pair = contactPair();
    const board = new GatedBoard();
    const r = registry(board, pair.a.identity, now, undefined, { spreadMs: 1, concurrency, refreshMinMs: 60_000, refreshMaxMs: 60_000, sweepMinMs: 60_000, sweepMaxMs: 60_000 });
    try {
      r.setContacts([]);
      await r.start();
      await board.untilEntered(concurrency);
      r.setContacts([{ ...pair.a.contact, urgent: true }]);
      // Timers of equal delay fire in order: the urgent writes' (delay 0) queue for the put bound
      // before this one fires, while every first write still holds.
      await new Promise((resolve) => setTimeout(resolve, 0));
      board.open();
      const keys = contactKeys(pair, now());
      await board.untilPuts(concurrency === 48 ? 48 + 3 : 48);
      // Once open, a put is all microtasks: what is left of the queue has run by the next turn.
      await new Promise((resolve) => setTimeout(resolve, 0));
      const perKey = keys.map((k) => board.puts.filter((p) => p.key === k).length);
      assert.deepEqual(perKey, [1, 1, 1], `concurrency ${concurrency}: each of the pairing's keys written once (${perKey.join(', ')})`);
      assert.equal(new Set(board.puts.map((p) => p.key)).size, board.puts.length, `concurrency ${concurrency}: no key written twice`);
      assert.equal((await peerReads(board, pair, now))?.state, 'online', `concurrency ${concurrency}: the contact finds us now, not at the slot's refresh`);
    } finally {
      await r.close();
    }
  }
});

test('a first write that lands after the urgent write of its slot does not become what a refresh re-puts', async () => {
  // Every put in flight at once (concurrency 51); the urgent writes land first, the first writes of
  // their slots (under the dummy keys the pairing took over) after them. With the endpoint gone,
  // a member slot's refresh re-puts its last dummy or writes new noise under the member's key:
  // had the late first write become the slot's `last`, the refresh re-put it under the old key.
  const now = midHourNow();
  const pair = contactPair();
  const board = new GatedBoard();
  const r = registry(board, pair.a.identity, now, undefined, { spreadMs: 1, concurrency: 51, freshProbability: 0, refreshMinMs: 1_000, refreshMaxMs: 1_000, sweepMinMs: 60_000, sweepMaxMs: 60_000 });
  try {
    r.setContacts([]);
    await r.start();
    await board.untilEntered(48);
    r.setContacts([{ ...pair.a.contact, urgent: true }]);
    await board.untilEntered(48 + 3);
    board.open(true);
    await board.untilPuts(48 + 3);
    const keys = contactKeys(pair, now());
    const dummies = new Set(board.puts.map((p) => p.key));
    for (const k of keys) dummies.delete(k);
    assert.equal(dummies.size, 48, 'the 48 first writes, under dummy keys');
    r.setContacts([{ ...pair.a.contact, urgent: true, endpoint: undefined }]);
    const mark = board.puts.length;
    await board.untilPuts(mark + 48);
    const refreshed = new Set(board.puts.slice(mark, mark + 48).map((p) => p.key));
    assert.deepEqual(keys.filter((k) => !refreshed.has(k)), [], 'the pairing\'s slots refreshed under its keys');
    assert.equal([...refreshed].filter((k) => dummies.has(k)).length, 45, 'and the old dummy keys of its slots not written again');
  } finally {
    await r.close();
  }
});

test('slot timers due together share the put bound: a burst waits its turn instead of opening every circuit at once', async () => {
  const now = midHourNow();
  const pair = contactPair();
  // A store whose puts take a while, as a put over Tor does, counting the puts in flight.
  class SlowBoard extends Board {
    inFlight = 0;
    maxInFlight = 0;
    override async put(r: SignedRecord): Promise<void> {
      this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
      await new Promise((resolve) => setTimeout(resolve, 15));
      this.inFlight--;
      return super.put(r);
    }
  }
  const board = new SlowBoard();
  const r = registry(board, pair.a.identity, now, undefined, { spreadMs: 1, concurrency: 4, refreshMinMs: 60_000, refreshMaxMs: 60_000, sweepMinMs: 60_000, sweepMaxMs: 60_000 });
  try {
    r.setContacts([pair.a.contact]);
    await r.start();
    await board.untilPuts(48, 20_000);
    assert.equal(board.puts.length, 48, 'every slot written once');
    assert.equal(board.maxInFlight, 4, 'never more puts in flight than the bound, and the bound was used');
  } finally {
    await r.close(); // its timers are referenced here: a failed assertion must not leave them running
  }
});

test('a gateway outage at start: every failed slot, member and dummy alike, is written again soon, not at its refresh', async () => {
  const now = midHourNow();
  const pair = contactPair();
  // Every put fails until the outage ends (all gateways unreachable), then the store works again.
  let outage = true;
  class DownBoard extends Board {
    failed = 0;
    override async put(r: SignedRecord): Promise<void> {
      if (outage) {
        this.failed++;
        throw new Error('ALL_GATEWAYS_FAILED');
      }
      return super.put(r);
    }
  }
  const board = new DownBoard();
  // Refreshes a minute away: only a retry can write a slot within the deadline below.
  const r = registry(board, pair.a.identity, now, undefined, {
    spreadMs: 1, refreshMinMs: 60_000, refreshMaxMs: 60_000, retryMinMs: 20, retryMaxMs: 40, sweepMinMs: 60_000, sweepMaxMs: 60_000,
  });
  try {
    r.setContacts([pair.a.contact]);
    await r.start();
    const deadline = Date.now() + 20_000;
    // Two rounds of failures (the back-off doubles), then the outage ends.
    while (board.failed < 96 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    outage = false;
    while (board.keysSince(0).size < 48 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(board.keysSince(0).size, 48, 'every slot written after the outage, well before its refresh');
    assert.equal(board.puts.length, 48, 'once each: a success goes back to the refresh schedule');
    const seen = await peerReads(board, pair, now);
    assert.equal(seen?.state, 'online', 'the contact finds our entry');
  } finally {
    await r.close();
  }
});

/** What the contact (pair.b) reads under our keys for it: its newest entry, or null. */
async function peerReads(board: Board, pair: ReturnType<typeof contactPair>, now: () => number): Promise<ContactSighting | null> {
  const peer = registry(board, pair.b.identity, now);
  peer.setContacts([pair.b.contact]);
  const s = await peer.lookup(pair.b.contact.id);
  await peer.close();
  return s;
}

test('once an hour a decoy writes one dummy column within the offline window, the shape of a hide', async () => {
  const pair = contactPair();
  const board = new Board();
  // 2 s before an hour ends: this hour's decoy falls in what is left of it (after the first writes).
  const clock = settableClock((Math.floor(Date.now() / HOUR_MS) + 3) * HOUR_MS - 2_000);
  const r = registry(board, pair.a.identity, clock.now, undefined, { spreadMs: 200, refreshMinMs: 60_000, refreshMaxMs: 60_000, sweepMinMs: 60_000, sweepMaxMs: 60_000 });
  r.setContacts([pair.a.contact]);
  await r.start();
  await board.untilPuts(96 + 3);
  await r.close();
  const count = new Map<string, { n: number; at: number[] }>();
  for (const p of board.puts) {
    const c = count.get(p.key) ?? { n: 0, at: [] };
    c.n++;
    c.at.push(p.at);
    count.set(p.key, c);
  }
  const twice = [...count].filter(([, c]) => c.n === 2);
  assert.equal(board.puts.length, 99, 'two hours of first writes (lead window) and one decoy');
  assert.equal(twice.length, 3, 'the decoy wrote r = 3 keys a second time');
  const members = new Set(contactKeys(pair, clock.now()));
  for (const [key] of twice) assert.ok(!members.has(key), 'a dummy column, not the contact\'s');
  const decoyTimes = twice.map(([, c]) => c.at[1]!);
  assert.ok(Math.max(...decoyTimes) - Math.min(...decoyTimes) < 1_000, 'its 3 writes within the offline window');
  const decoyKeys = new Set(twice.map(([key]) => key));
  const decoyWrites = board.puts.filter((p) => decoyKeys.has(p.key));
  assert.ok(decoyWrites.slice(0, 3).every((p) => !p.hedged) && decoyWrites.slice(3).every((p) => p.hedged), 'hedged as a hide\'s writes are; the first writes not');
});

test('a member whose endpoint comes up late: the start waits for it, and no slot is written twice before its refresh', async (t) => {
  const now = midHourNow();
  const pair = contactPair();
  const { endpoint, ...noEndpoint } = pair.a.contact;
  const timings = { spreadMs: 200, refreshMinMs: 60_000, refreshMaxMs: 60_000, sweepMinMs: 60_000, sweepMaxMs: 60_000 };
  const waitFor = async (n: number, board: Board): Promise<void> => {
    await board.untilPuts(n);
  };

  // Endpoint within the wait: the first write of the member's slot is already its entry.
  const board = new Board();
  const r = registry(board, pair.a.identity, now, undefined, { ...timings, endpointWaitMs: 30_000 });
  t.after(() => r.close()); // referenced timers: a failed assertion must not leave them running
  r.setContacts([noEndpoint]);
  const started = r.start();
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(board.puts.length, 0, 'nothing written while the member\'s endpoint is not up');
  r.setContacts([pair.a.contact]);
  await started;
  await waitFor(48, board);
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(board.puts.length, 48, 'every slot written once');
  assert.equal(board.keysSince(0).size, 48);
  assert.equal((await peerReads(board, pair, now))?.onion, endpoint!.onion, 'the contact finds the endpoint');
  await r.close();

  // Endpoint after the wait (its slot already holds noise): no early second write.
  const late = new Board();
  const l = registry(late, pair.a.identity, now, undefined, { ...timings, endpointWaitMs: 50 });
  t.after(() => l.close());
  l.setContacts([noEndpoint]);
  await l.start();
  await waitFor(48, late);
  l.setContacts([pair.a.contact]);
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.equal(late.puts.length, 48, 'the endpoint goes out at the slot\'s next refresh, not now');
  await l.close();
});
