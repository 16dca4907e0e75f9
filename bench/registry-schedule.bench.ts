// What the production registry schedule costs and how fast it finds a contact (issue 10 "Measure"):
// the real Registry (publisher slots + lookup sweeps) on a virtual clock against an in-memory
// store with hyperdht's seq rules, so hours of schedule run in seconds. Printed per profile size
// (0 / 1 / 17 / 100 contacts): puts and gets (get batches of 12) per hour, and circuits per hour
// (each put one isolated circuit, each get batch one per gateway of the fan-out, 2). Then the time
// for a contact that comes online to be found by our sweeps alone (its first slot write + our next
// sweep), median and p95 over runs; when it can dial us (our entry exists) it is seen at its own
// first sweep + one connect instead (not schedule-bound). Prints, never asserts.

import { HOUR_MS, ready } from '../src/protocol/index.ts';
import { Registry } from '../src/main/registry/registry.ts';
import { contactPair } from '../src/main/registry/test-support.ts';
import type { RegistryTransport, SignedRecord } from '../src/main/registry/transport.ts';
import type { Timers } from '../src/main/registry/environment.ts';

await ready();

/** A virtual clock: timers run in time order; promises settle between them. */
class VirtualTime implements Timers {
  now: number;
  #queue: { at: number; fn: () => void; id: number }[] = [];
  #next = 0;
  constructor(start: number) { this.now = start; }
  setTimeout(fn: () => void, ms: number): unknown {
    const t = { at: this.now + Math.max(0, ms), fn, id: this.#next++ };
    this.#queue.push(t);
    return t.id;
  }
  clearTimeout(h: unknown): void { this.#queue = this.#queue.filter((t) => t.id !== h); }
  async runUntil(end: number): Promise<void> {
    for (;;) {
      await new Promise((r) => setImmediate(r));
      this.#queue.sort((a, b) => a.at - b.at || a.id - b.id);
      const t = this.#queue[0];
      if (t === undefined || t.at > end) break;
      this.#queue.shift();
      this.now = t.at;
      t.fn();
    }
    this.now = end;
  }
}

class Board implements RegistryTransport {
  readonly records = new Map<string, SignedRecord>();
  puts = 0;
  getBatches = 0;
  async put(r: SignedRecord): Promise<void> {
    this.puts++;
    this.records.set(Buffer.from(r.publicKey).toString('hex'), r);
  }
  async get(keys: Uint8Array[]): Promise<(SignedRecord | null)[]> {
    this.getBatches++;
    return keys.map((k) => this.records.get(Buffer.from(k).toString('hex')) ?? null);
  }
  async close(): Promise<void> {}
}

const GET_FANOUT = 2;
const start = (Math.floor(Date.now() / HOUR_MS) + 10) * HOUR_MS + 7 * 60_000;

console.log('registry schedule, production timings (spread 10 min, refresh 15-20 min, lookup sweep every 90-120 s, r = 3)');
for (const contacts of [0, 1, 17, 100]) {
  const time = new VirtualTime(start);
  const board = new Board();
  const pairs = Array.from({ length: Math.max(1, contacts) }, (_, i) => contactPair({ bId: `c${i}` }));
  const r = new Registry({ transport: board, identity: pairs[0]!.a.identity, env: { now: () => time.now, timers: time } });
  r.setContacts(pairs.slice(0, contacts).map((p) => p.a.contact));
  await r.start();
  // The first hour includes the start; measure hours 2 and 3 (steady state).
  await time.runUntil(start + HOUR_MS);
  const p0 = board.puts;
  const g0 = board.getBatches;
  await time.runUntil(start + 3 * HOUR_MS);
  const puts = (board.puts - p0) / 2;
  const gets = (board.getBatches - g0) / 2;
  console.log(`${String(contacts).padStart(3)} contacts: ${puts.toFixed(0)} puts/h, ${gets.toFixed(0)} get batches/h (${(gets * 12).toFixed(0)} keys), ${(puts + gets * GET_FANOUT).toFixed(0)} circuits/h`);
  await r.close();
}

// A contact comes online at a random moment while we run; how long until our sweep reads its entry?
const found: number[] = [];
for (let run = 0; run < 40; run++) {
  const time = new VirtualTime(start + Math.floor(Math.random() * 40 * 60_000));
  const board = new Board();
  const pair = contactPair();
  const us = new Registry({ transport: board, identity: pair.a.identity, env: { now: () => time.now, timers: time } });
  us.setContacts([pair.a.contact]);
  await us.start();
  await time.runUntil(time.now + 20 * 60_000 + Math.floor(Math.random() * 5 * 60_000));
  const them = new Registry({ transport: board, identity: pair.b.identity, env: { now: () => time.now, timers: time } });
  them.setContacts([{ ...pair.b.contact, urgent: false }]);
  const onlineAt = time.now;
  let seenAt: number | null = null;
  us.events.on('sightings', (m) => { if (seenAt === null && m.get(pair.a.contact.id)?.state === 'online' && (m.get(pair.a.contact.id)?.timestamp ?? 0) >= onlineAt) seenAt = time.now; });
  await them.start();
  while (seenAt === null && time.now < onlineAt + 30 * 60_000) await time.runUntil(time.now + 10_000);
  if (seenAt !== null) found.push((seenAt - onlineAt) / 1000);
  await us.close();
  await them.close();
}
found.sort((a, b) => a - b);
const q = (p: number): number => found[Math.min(found.length - 1, Math.floor(p * found.length))] ?? NaN;
console.log(`contact comes online, found by our sweeps alone: p50 ${q(0.5).toFixed(0)} s, p95 ${q(0.95).toFixed(0)} s over ${found.length} runs (lookup period 120 s; first writes spread over 600 s)`);
console.log('contact comes online and dials us (our entry is there): its first sweep runs at its start, so schedule wait 0 s: one lookup + one connect (Tor floor)');

