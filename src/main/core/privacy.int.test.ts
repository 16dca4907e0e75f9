// What a registry node sees of running cores (issue 10 items 1, 2 and 4): a recording DHT node
// (src/testbed/recording-dht-node.ts, a real full node) joined to this file's own small HyperDHT
// (3 nodes + the recorder: fewer than k = 20 storers, so it stores every record and answers every
// get query). Two real gateways on that DHT are published as onion services on the shared testbed's
// private Tor network; the cores are real (their own tor each, real store, real registry over Tor).
// Profiles run one at a time, so what the recorder sees in a window is that profile's alone.
//
// The cores' clock reads minutes 20-40 of an hour (the wall clock moved forward by 20-80 min;
// timers and randomness are real): the counts below are one hour's writes and reads, and within
// 5 min before a boundary the publisher also writes the next hour, within 10 min after it readers
// also read the last (docs/PROTOCOL.md "Registry schedule"). On the wall clock a run near :55 would see
// the next hour's first writes land in its quiet windows.
//
// Scale of the schedule (passed in as options): first writes spread over
// 3 s (production 10 min), slot refresh every 120 s (production 15-20 min, so a window of less than
// 2 min holds exactly one write per slot), one lookup sweep every 25 s (production 90-120 s; a
// sweep takes a few seconds over Tor, so sweeps stay apart and can be told apart by their gaps).
// A failed write's retry waits for the refresh here (production: 30-90 s): a put that timed out
// at the client may still have reached a node, and its retry would be an early rewrite caused by
// the transport, not by an event, which is what these tests look for (retries: slots.test.ts).
// Contacts of the 1- and 17-contact profiles are seeded into the store (peers that never run): a
// registry node's view does not depend on whether they do.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HOUR_MS, identityFromSeed, ready, REGISTRY_VALUE_SIZE, toHex } from '../../protocol/index.ts';
import { createProfile, KDF_MINIMAL_FOR_TESTS } from '../store/index.ts';
import { entriesPerIndex, FAST_PUBLISHER_TIMINGS } from '../registry/index.ts';
import { publishTestOnions, startRegistryNet, type RegistryNet } from '../registry/test-support.ts';
import { startClientTor, type ClientTor } from '../../testbed/client-tor.ts';
import { startRecordingDhtNode, type RecordingDhtNode } from '../../testbed/recording-dht-node.ts';
import { systemClock, type Clock } from './clock.ts';
import { SottoCore } from './sotto-core.ts';
import { realServices } from './wiring.ts';
import { removeDir, testbed, TEST_TIMINGS, torPidOf, until } from './test-support.ts';

const SCALED = { ...FAST_PUBLISHER_TIMINGS, spreadMs: 3_000, refreshMinMs: 120_000, refreshMaxMs: 120_000, retryMinMs: 120_000, retryMaxMs: 120_000, sweepMinMs: 25_000, sweepMaxMs: 25_000 };
const REPLICAS = 3;
/** Minute 20 of the next hour at this file's start (see the header); the file takes under 20 min. */
const SHIFT_MS = (Math.floor(Date.now() / HOUR_MS) + 1) * HOUR_MS + 20 * 60_000 - Date.now();
const clock: Clock = { ...systemClock, now: () => Date.now() + SHIFT_MS };

let net: RegistryNet;
let recorder: RecordingDhtNode;
let helperTor: ClientTor;
let gatewayOnions: string[];
let torrc: string[];
const dirs: string[] = [];

before(async () => {
  await ready();
  const tb = await testbed();
  torrc = tb.tor.clientTorrc;
  const helperDir = await mkdtemp(join(tmpdir(), 'sotto-privacy-gw-'));
  dirs.push(helperDir);
  [net, helperTor] = await Promise.all([
    startRegistryNet({ gateways: 2, dhtSize: 3 }),
    startClientTor({ clientTorrc: tb.tor.clientTorrc, dataDir: join(helperDir, 'tor') }),
  ]);
  recorder = await startRecordingDhtNode(net.dht.bootstrap);
  gatewayOnions = await publishTestOnions(helperTor.tor, net.gateways.map((g) => g.port));
});

after(async () => {
  await helperTor?.tor.stop();
  await recorder?.destroy();
  await net?.close();
  for (const d of dirs) await removeDir(d);
});

/** A profile with `contacts` confirmed contacts seeded into its store (their peers never run). */
async function seededProfile(name: string, contacts: number): Promise<{ dir: string; ids: string[] }> {
  const dir = await mkdtemp(join(tmpdir(), `sotto-privacy-${name}-`));
  dirs.push(dir);
  const store = await createProfile(dir, { name, passphrase: `pass-${name}`, kdf: KDF_MINIMAL_FOR_TESTS });
  const ids: string[] = [];
  for (let i = 0; i < contacts; i++) {
    const id = toHex(new Uint8Array(randomBytes(16)));
    const peer = identityFromSeed(new Uint8Array(randomBytes(32)));
    await store.contacts.put(id, {
      nickname: `c${i}`, identityPk: toHex(peer.publicKey), sharedKey: toHex(new Uint8Array(randomBytes(32))), phase: 'confirmed',
      visible: true, verified: false, receipts: false, typing: false, createdAt: clock.now() - 2 * HOUR_MS,
    });
    ids.push(id);
  }
  store.lock();
  return { dir, ids };
}

function core(dir: string, opts: { decoys?: boolean } = {}): SottoCore {
  return new SottoCore({
    profileDir: dir, kdf: KDF_MINIMAL_FOR_TESTS, timings: TEST_TIMINGS, clock,
    services: realServices({
      gateways: gatewayOnions, torrc, registryTimings: { ...SCALED, decoys: opts.decoys ?? true }, replicas: REPLICAS,
      link: { keepaliveMs: 2_000, deadPeerMs: 8_000 }, tor: { connectBackoffsMs: [250, 500, 1000, 1000, 2000, 2000, 2000] },
    }),
  });
}

interface View { puts: number; putKeys: Set<string>; sizes: Set<number>; sweeps: number[]; earlyRewrites: number[] }

/** What the recorder saw from `from` on: puts, their keys and value sizes, and keys read per sweep. */
function view(from: number, to = recorder.seen.length): View {
  const obs = recorder.seen.slice(from, to);
  const puts = obs.filter((o) => o.op === 'put');
  const putTargets = new Set(puts.map((p) => p.target));
  // A put starts with a get query for its own target (hyperdht): those are not lookups.
  const gets = obs.filter((o) => o.op === 'get' && !putTargets.has(o.target));
  const sweeps: Set<string>[] = [];
  let last = -Infinity;
  for (const g of gets) {
    // Sweeps are sweepMinMs apart; the batches of one sweep go out together (a batch retried
    // after a stalled stream comes later, but well within half a period).
    if (g.at - last > SCALED.sweepMinMs / 2) sweeps.push(new Set());
    sweeps[sweeps.length - 1]!.add(g.target);
    last = g.at;
  }
  // Keys written again before their refresh, grouped by time (a gap of over 1 s starts a group):
  // the sizes of the groups. Only a decoy (one dummy column: r keys within the offline window) may
  // do that without an event.
  const lastPut = new Map<string, number>();
  const early: { at: number; key: string }[] = [];
  for (const p of puts) {
    const key = p.publicKey ?? '?';
    const before = lastPut.get(key);
    if (before !== undefined && p.at - before < SCALED.refreshMinMs - 5_000) early.push({ at: p.at, key });
    lastPut.set(key, p.at);
  }
  const groups: Set<string>[] = [];
  let lastEarly = -Infinity;
  for (const e of early) {
    if (e.at - lastEarly > 1_000) groups.push(new Set());
    groups[groups.length - 1]!.add(e.key);
    lastEarly = e.at;
  }
  return {
    earlyRewrites: groups.map((g) => g.size),
    puts: puts.length,
    putKeys: new Set(puts.map((p) => p.publicKey ?? '?')),
    sizes: new Set(puts.map((p) => p.valueBytes ?? -1)),
    // The last cluster may still be in progress when the window closes.
    sweeps: sweeps.slice(0, -1).map((s) => s.size),
  };
}

/** Runs until every slot was written once and `sweeps` complete sweeps were seen; returns the window. */
async function observe(c: SottoCore, passphrase: string, expectedKeys: number, sweeps = 1): Promise<{ view: View; from: number }> {
  const from = recorder.seen.length;
  await c.unlock({ passphrase });
  await until(() => view(from).putKeys.size >= expectedKeys && view(from).sweeps.length >= sweeps, 240_000, `${expectedKeys} keys written and ${sweeps} sweeps`)
    .catch((err: Error) => { const v = view(from); throw new Error(`${err.message} (seen: ${v.putKeys.size} keys, sweeps ${v.sweeps.join(',')})`); });
  return { view: view(from), from };
}

test('a registry node sees the same puts and gets for 0 and 1 contacts, the next bucket for 17, all values one size', async (t) => {
  const results = new Map<number, View>();
  for (const contacts of [0, 1, 17]) {
    const { dir } = await seededProfile(`p${contacts}`, contacts);
    const c = core(dir);
    const n = entriesPerIndex(contacts);
    const v = await observe(c, `pass-p${contacts}`, n * REPLICAS).then((o) => o.view).finally(() => c.close());
    results.set(contacts, v);
    t.diagnostic(`${contacts} contacts: ${v.putKeys.size} keys written (${v.puts} puts), keys read per sweep ${v.sweeps.join(',')}`);
  }
  const [v0, v1, v17] = [results.get(0)!, results.get(1)!, results.get(17)!];
  assert.equal(v0.putKeys.size, 16 * REPLICAS, '0 contacts: N = 16');
  assert.equal(v1.putKeys.size, v0.putKeys.size, '1 contact writes exactly what 0 contacts write');
  assert.equal(v17.putKeys.size, 2 * v0.putKeys.size, '17 contacts: the next bucket, N = 32');
  for (const v of [v0, v1, v17]) assert.deepEqual([...v.sizes], [REGISTRY_VALUE_SIZE], 'every value the same size');
  // No slot is written twice before its refresh, but for a decoy (r keys together, at most one per
  // hour plan): a member's slot written early again (noise, then its entry once the endpoint is
  // up) would mark itself as a member's (the publisher's start waits for the members' endpoints,
  // src/main/registry/publisher.ts).
  for (const [n, v] of [[0, v0], [1, v1], [17, v17]] as const) {
    t.diagnostic(`${n} contacts: ${v.puts} puts for ${v.putKeys.size} keys; early rewrites (decoys) ${JSON.stringify(v.earlyRewrites)}`);
    assert.ok(v.earlyRewrites.length <= 1 && v.earlyRewrites.every((size) => size === REPLICAS),
      `${n} contacts: keys written again before their refresh other than as one decoy of ${REPLICAS} keys per hour: groups ${JSON.stringify(v.earlyRewrites)}`);
  }
  // Two sweeps that ran close together over a slow Tor form one cluster. Every cluster is whole
  // 12-key batches (padded), and the largest a whole number of sweeps of N x r keys. Not
  // every cluster: a batch whose stream stalled on both gateways never reaches the DHT (seen once
  // on a loaded run: 84 of 96 keys), which depends on Tor, not on the contacts.
  const whole = (sizes: number[], perSweep: number, what: string): void => {
    for (const s of sizes) assert.ok(s > 0 && s % 12 === 0, `${what}: a sweep cluster of ${s} keys is not whole 12-key batches`);
    const largest = Math.max(...sizes);
    assert.ok(largest % perSweep === 0, `${what}: the largest sweep cluster, ${largest} keys, is not a whole number of ${perSweep}-key sweeps`);
  };
  whole(v0.sweeps, 16 * REPLICAS, '0 contacts');
  whole(v1.sweeps, 16 * REPLICAS, '1 contact (the same as 0)');
  whole(v17.sweeps, 32 * REPLICAS, '17 contacts (the next bucket)');
});

test('the key set survives lock/unlock, a restart and a tor kill within the hour; a status change writes nothing; a hide writes only that pairing\'s slots; hide and delete swap no key', async (t) => {
  const expected = 16 * REPLICAS;
  const { dir, ids } = await seededProfile('keys', 2);
  // Decoys off here: this test times what events write, and a decoy (one per hour, at a random
  // moment: src/main/registry/slots.test.ts) in one of its quiet windows would read as an event.
  let c = core(dir, { decoys: false });
  const first = (await observe(c, 'pass-keys', expected, 0)).view.putKeys;
  assert.equal(first.size, expected);
  const same = (v: Set<string>, what: string): void => {
    const missing = [...first].filter((k) => !v.has(k)).length;
    const other = [...v].filter((k) => !first.has(k)).length;
    assert.ok(missing === 0 && other === 0, `${what}: ${missing} of the ${first.size} keys not written, ${other} other keys written`);
  };

  await c.lock();
  same((await observe(c, 'pass-keys', expected, 0)).view.putKeys, 'the same keys after lock and unlock');

  await c.close();
  c = core(dir, { decoys: false });
  same((await observe(c, 'pass-keys', expected, 0)).view.putKeys, 'the same keys after a restart');

  const pid = await torPidOf(dir);
  assert.ok(pid !== null, 'found the profile\'s tor');
  const killedAt = recorder.seen.length;
  process.kill(pid, 'SIGKILL');
  await until(() => view(killedAt).putKeys.size >= expected, 180_000, 'every slot written again after tor came back');
  same(view(killedAt).putKeys, 'the same keys after tor was killed and restarted');
  t.diagnostic(`tor kill -> all slots written again: ${recorder.seen[recorder.seen.length - 1]!.at - (recorder.seen[killedAt]?.at ?? 0)} ms`);

  // Every slot was written within the 3 s spread and refreshes in 120 s: a quiet window.
  await new Promise((resolve) => setTimeout(resolve, 4_000));
  const quiet = recorder.seen.length;
  await c.setPresence({ state: 'away', text: 'out' });
  await c.setPresence({ state: 'online', text: '' });
  await new Promise((resolve) => setTimeout(resolve, 6_000));
  assert.equal(view(quiet).puts, 0, 'no write follows a status change');

  // Hiding from one contact writes that contact's 'gone' (its r slots, as a quit would) and
  // nothing else; no key is swapped. Keys are counted, not puts: a put whose Tor stream stalls
  // is hedged to the other gateway (src/main/registry/publisher.ts hedgeMs), and both may land.
  const hide = recorder.seen.length;
  await c.updateContact({ id: ids[0]!, visible: false });
  await until(() => view(hide).putKeys.size >= REPLICAS, 30_000, 'the hidden contact\'s slots written');
  await new Promise((resolve) => setTimeout(resolve, 4_000));
  const afterHide = view(hide);
  assert.equal(afterHide.putKeys.size, REPLICAS, `a hide writes only that pairing's slots (${afterHide.putKeys.size} keys, ${afterHide.puts} puts)`);
  for (const k of afterHide.putKeys) assert.ok(first.has(k), 'the hidden contact\'s slot keeps its key');

  const removal = recorder.seen.length;
  await c.deleteContact({ id: ids[1]! });
  await new Promise((resolve) => setTimeout(resolve, 6_000));
  const afterRemoval = view(removal);
  assert.ok(afterRemoval.putKeys.size <= REPLICAS, `a removal moves only that pairing's slots (${afterRemoval.putKeys.size} keys, ${afterRemoval.puts} puts)`);
  for (const k of afterRemoval.putKeys) assert.ok(first.has(k), 'the removed contact\'s slot keeps its key (noise in it)');

  // The quit writes every slot once: the hidden and the removed contact's slots are still there.
  const quit = recorder.seen.length;
  await c.lock();
  // A put the quit handed over within its window may reach the recording node a moment after lock
  // returns (a slow circuit on a loaded machine): wait for the whole set, then compare.
  await until(() => view(quit).putKeys.size >= first.size, 30_000, 'the quit\'s puts').catch(() => undefined);
  same(view(quit).putKeys, 'after hide and delete, the quit writes the same key set');
  await c.close();
});
