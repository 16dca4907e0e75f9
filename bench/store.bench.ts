// Store, message path and idle cost (issue 11 items 2-6) without Tor: `npm run bench store`.
// Every row prints p50/p95 and a ratio against a floor measured in this run; nothing asserts.
//   1. main-thread stall during unlock (Argon2id in a worker) vs the stall of Argon2id on this thread;
//   2. one message commit (WAL, synchronous=NORMAL) vs a bare single-row commit, and vs FULL;
//   3. message round trip on an open link over loopback (channel-pair.ts: real stores, real link)
//      vs a raw TCP loopback echo; a burst of k: frames and time per message;
//   4. a page of 50 from a history of 100,000 vs the bare SELECT;
//   5. listContacts with 500 contacts (a running core) vs reading the rows once;
//   6. idle: CPU and pending timers of a core with 100 contacts, and of 100 open idle links.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sodium from 'libsodium-wrappers-sumo';
import { identityFromSeed, ready, toHex } from '../src/protocol/index.ts';
import { createProfile, KDF_INTERACTIVE, KDF_MINIMAL_FOR_TESTS, unlockProfile } from '../src/main/store/index.ts';
import { openDatabase, transaction } from '../src/main/store/database.ts';
import { channelPair, type ChannelPair } from '../src/main/core/channel-pair.ts';
import { SottoCore } from '../src/main/core/sotto-core.ts';
import { LoopbackNetwork } from '../src/main/core/loopback-services.ts';
import { systemClock, type Clock } from '../src/main/core/clock.ts';
import { pct } from './support.ts';

const ms = (x: number): string => `${x < 1 ? x.toFixed(3) : x.toFixed(1)} ms`;
const row = (what: string, xs: number[], floorName: string, floor: number[]): void => {
  console.log(`${what}: p50 ${ms(pct(xs, 0.5))}, p95 ${ms(pct(xs, 0.95))} (n=${xs.length}); floor ${floorName}: p50 ${ms(pct(floor, 0.5))}, p95 ${ms(pct(floor, 0.95))}; ratio p50 ${(pct(xs, 0.5) / pct(floor, 0.5)).toFixed(2)}x, p95 ${(pct(xs, 0.95) / pct(floor, 0.95)).toFixed(2)}x`);
};
async function time(fn: () => unknown): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}
/** The longest gap between two turns of this thread's event loop while `fn` runs. */
async function longestStall(fn: () => Promise<unknown>): Promise<number> {
  let last = performance.now();
  let worst = 0;
  let running = true;
  const spin = (): void => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
    if (running) setImmediate(spin);
  };
  setImmediate(spin);
  await fn();
  running = false;
  worst = Math.max(worst, performance.now() - last);
  return worst;
}

await ready();
await sodium.ready;
const root = mkdtempSync(join(tmpdir(), 'sotto-store-bench-'));
try {
  // ---- 1. Argon2id: the stall on this thread during unlock.
  const RUNS = 10;
  const dir = join(root, 'profile');
  (await createProfile(dir, { name: 'Bench', passphrase: 'bench passphrase', kdf: KDF_INTERACTIVE })).lock();
  const stalls: number[] = [];
  const inThread: number[] = [];
  const unlocks: number[] = [];
  const salt = sodium.randombytes_buf(16);
  for (let i = 0; i < RUNS; i++) {
    inThread.push(await longestStall(async () => sodium.crypto_pwhash(32, 'bench passphrase', salt, KDF_INTERACTIVE.opslimit, KDF_INTERACTIVE.memlimit, sodium.crypto_pwhash_ALG_ARGON2ID13)));
    const t0 = performance.now();
    let unlocked: Awaited<ReturnType<typeof unlockProfile>> | undefined;
    stalls.push(await longestStall(async () => { unlocked = await unlockProfile(dir, 'bench passphrase'); }));
    unlocks.push(performance.now() - t0);
    unlocked?.lock();
  }
  row('unlock (Argon2id interactive): longest main-thread stall', stalls, 'Argon2id on the main thread (its stall)', inThread);
  console.log(`unlock wall time: p50 ${ms(pct(unlocks, 0.5))}, p95 ${ms(pct(unlocks, 0.95))}`);

  // ---- 2. one commit per message.
  const store = await unlockProfile(dir, 'bench passphrase');
  const appends: number[] = [];
  const conversation = 'c-big';
  for (let i = 0; i < 300; i++) {
    const m = { id: `m${i}`, contactId: `c${i % 10}`, conversationId: 'conv', direction: 'out' as const, body: 'x'.repeat(120), sentAt: Date.now(), status: 'queued' as const };
    appends.push(await time(() => store.messages.append(m)));
  }
  const bare = (sync: 'NORMAL' | 'FULL'): number[] => {
    const db = openDatabase(join(root, `raw-${sync}.db`), { create: true });
    db.exec(`PRAGMA synchronous=${sync}`);
    db.exec('CREATE TABLE t (seq INTEGER PRIMARY KEY, ref BLOB UNIQUE, conversation BLOB, box BLOB)');
    const out: number[] = [];
    for (let i = 0; i < 300; i++) {
      const t0 = performance.now();
      transaction(db, () => db.run('INSERT INTO t (ref, conversation, box) VALUES (?, ?, ?)', [sodium.randombytes_buf(16), new Uint8Array([i % 10]), new Uint8Array(233)]));
      out.push(performance.now() - t0);
    }
    db.close();
    return out;
  };
  const bareNormal = bare('NORMAL');
  const bareFull = bare('FULL');
  row('message append (one commit, WAL synchronous=NORMAL)', appends, 'bare single-row commit, NORMAL', bareNormal);
  console.log(`  (bare single-row commit with synchronous=FULL, the old setting: p50 ${ms(pct(bareFull, 0.5))}, p95 ${ms(pct(bareFull, 0.95))})`);

  // ---- 4. a page of 50 from 100,000 (one conversation).
  const BATCH = 2000;
  for (let i = 0; i < 100_000; i += BATCH) {
    await store.messages.appendMany(Array.from({ length: BATCH }, (_, j) => ({
      id: `h${i + j}`, contactId: conversation, conversationId: 'conv', direction: 'in' as const, body: `message ${i + j}`, sentAt: 1_700_000_000_000 + i + j, receivedAt: 1_700_000_000_000 + i + j, status: 'read' as const,
    })));
  }
  const pages: number[] = [];
  const oldPages: number[] = [];
  let before: number | undefined;
  for (let i = 0; i < 50; i++) {
    pages.push(await time(async () => {
      const page = await store.messages.history(conversation, { limit: 50, ...(before === undefined ? {} : { before }) });
      before = i % 10 === 9 ? undefined : Math.min(...page.map((m) => m.seq));
    }));
  }
  // Floor: the same SELECT on a bare table of 100,000 rows with the same index, no decryption.
  const bareDb = openDatabase(join(root, 'raw-history.db'), { create: true });
  bareDb.exec('CREATE TABLE messages (seq INTEGER PRIMARY KEY, ref BLOB UNIQUE, conversation BLOB, box BLOB)');
  bareDb.exec('CREATE INDEX by_conv ON messages (conversation, seq)');
  transaction(bareDb, () => { for (let i = 0; i < 100_000; i++) bareDb.run('INSERT INTO messages (ref, conversation, box) VALUES (?, ?, ?)', [sodium.randombytes_buf(16), new Uint8Array([1]), new Uint8Array(130)]); });
  for (let i = 0; i < 50; i++) oldPages.push(await time(() => bareDb.all('SELECT seq, ref, box FROM messages WHERE conversation = ? AND seq < ? ORDER BY seq DESC LIMIT 50', [new Uint8Array([1]), 100_000 - (i % 10) * 50])));
  bareDb.close();
  row('history page of 50 from 100,000', pages, 'bare indexed SELECT of 50 rows (no decryption)', oldPages);
  store.lock();

  // ---- 3. message round trip on an open link over loopback, and a burst.
  const echo = createServer((s: Socket) => s.pipe(s));
  echo.listen(0, '127.0.0.1');
  await once(echo, 'listening');
  const sock = connect((echo.address() as { port: number }).port, '127.0.0.1');
  await once(sock, 'connect');
  sock.setNoDelay(true);
  const tcpRtt: number[] = [];
  for (let i = 0; i < 50; i++) tcpRtt.push(await time(() => new Promise<void>((resolve) => { sock.once('data', () => resolve()); sock.write('x'); })));
  sock.destroy();
  echo.close();
  const pair: ChannelPair = await channelPair();
  const acked = (id: string) => new Promise<void>((resolve) => {
    const check = (): void => {
      if (pair.a.events.some((e) => e.type === 'message-status' && e.messageId === id && e.status === 'acked')) resolve();
      else setImmediate(check);
    };
    check();
  });
  const rtts: number[] = [];
  for (let i = 0; i < 50; i++) {
    const t0 = performance.now();
    const m = await pair.a.send(`ping ${i}`);
    await acked(m.id);
    rtts.push(performance.now() - t0);
  }
  row('message round trip over a loopback link (persist, send, peer persists + acks, sender shows acked)', rtts, 'raw TCP loopback echo RTT', tcpRtt);
  console.log(`  goal form: p50 ${ms(pct(rtts, 0.5))} vs 1.2 x floor + 2 ms = ${ms(1.2 * pct(tcpRtt, 0.5) + 2)}`);
  for (const k of [10, 100, 500]) {
    const framesBefore = pair.b.received.get('message') ?? 0;
    const t0 = performance.now();
    const sent = await Promise.all(Array.from({ length: k }, (_, i) => pair.a.send(`burst ${i}`)));
    await Promise.all(sent.map((m) => acked(m.id)));
    const total = performance.now() - t0;
    console.log(`burst of ${k}: ${(pair.b.received.get('message') ?? 0) - framesBefore} message frames (k = ${k}; the old flush: up to k(k+1)/2 = ${k * (k + 1) / 2}), ${ms(total)} until all acked, ${ms(total / k)} per message`);
  }
  await pair.close();

  // ---- 5 + 6. a running core with many contacts (loopback services: no tor).
  const counting = (): Clock & { pending: Set<unknown> } => {
    const pending = new Set<unknown>();
    return {
      ...systemClock, pending,
      setTimeout: (fn, delay) => {
        const h: unknown = systemClock.setTimeout(() => { pending.delete(h); fn(); }, delay);
        pending.add(h);
        return h;
      },
      clearTimeout: (h) => { pending.delete(h); systemClock.clearTimeout(h); },
    };
  };
  const coreWith = async (n: number) => {
    const net = new LoopbackNetwork();
    const clock = counting();
    const cdir = join(root, `core-${n}`);
    const make = () => new SottoCore({ profileDir: cdir, services: net.services({ clock }), kdf: KDF_MINIMAL_FOR_TESTS, clock });
    const first = make();
    await first.createProfile({ displayName: 'bench', passphrase: 'a long bench passphrase 1' });
    await first.close();
    const s = await unlockProfile(cdir, 'a long bench passphrase 1');
    const floor: number[] = [];
    for (let i = 0; i < n; i++) {
      const peer = identityFromSeed(new Uint8Array(32).map((_, j) => (j === 0 ? i & 0xff : j === 1 ? (i >> 8) + 1 : 9)));
      const id = toHex(new Uint8Array(16).map((_, j) => (j === 0 ? i & 0xff : j === 1 ? i >> 8 : 7)));
      await s.contacts.put(id, {
        nickname: `peer ${i}`, identityPk: toHex(peer.publicKey), sharedKey: toHex(new Uint8Array(32).fill((i % 250) + 3)), phase: 'confirmed',
        visible: true, verified: false, receipts: false, typing: false, createdAt: 1_700_000_000_000 + i,
      });
      if (i % 5 === 0) await s.messages.append({ id: `u${i}`, contactId: id, conversationId: 'conv', direction: 'in', body: 'hi', sentAt: 1, receivedAt: 1, status: 'received' });
    }
    for (let i = 0; i < 20; i++) floor.push(await time(async () => { await s.contacts.list(); await s.messages.unreadCounts(); }));
    s.lock();
    const core = make();
    await core.unlock({ passphrase: 'a long bench passphrase 1' });
    return { core, clock, floor };
  };

  const IDLE_MS = Number(process.env.SOTTO_BENCH_IDLE_MS ?? 20_000);
  const big = await coreWith(500);
  const lists: number[] = [];
  for (let i = 0; i < 20; i++) lists.push(await time(() => big.core.listContacts()));
  row('listContacts with 500 contacts (running core)', lists, 'contacts.list() + unreadCounts() (each row decrypted once)', big.floor);
  await big.core.close();

  // Floor of the idle rows: this process with nothing of ours running, for a third of the window.
  const cpuF = process.cpuUsage();
  const tF = performance.now();
  await new Promise((r) => setTimeout(r, IDLE_MS / 3));
  const usedF = process.cpuUsage(cpuF);
  const floorCpu = (100 * (usedF.user + usedF.system) / 1000) / (performance.now() - tF);
  console.log(`idle floor: this process with no core and no link: CPU ${floorCpu.toFixed(2)} % of one core`);
  const idle = await coreWith(100);
  await new Promise((r) => setTimeout(r, 5_000)); // endpoints and entries of the start settle
  const timersAtStart = idle.clock.pending.size;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, IDLE_MS));
  const cpu = process.cpuUsage(cpu0);
  const wall = performance.now() - t0;
  console.log(`idle core, 100 contacts (offline, loopback registry sweeps): CPU ${(100 * (cpu.user + cpu.system) / 1000 / wall).toFixed(2)} % of one core over ${(wall / 1000).toFixed(0)} s; pending timers ${timersAtStart} -> ${idle.clock.pending.size}`);
  await idle.core.close();

  const pairs = await Promise.all(Array.from({ length: 100 }, () => channelPair()));
  await new Promise((r) => setTimeout(r, 2_000));
  const cpuL = process.cpuUsage();
  const tL = performance.now();
  await new Promise((r) => setTimeout(r, IDLE_MS));
  const used = process.cpuUsage(cpuL);
  console.log(`100 open idle links (both ends in this process, keepalive 25 s +- 30 %): CPU ${(100 * (used.user + used.system) / 1000 / (performance.now() - tL)).toFixed(2)} % of one core`);
  await Promise.all(pairs.map((p) => p.close()));
} finally {
  rmSync(root, { recursive: true, force: true });
}
