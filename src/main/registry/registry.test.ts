// Two profiles find each other through real gateways on a real loopback HyperDHT (plain TCP to
// the gateways here; the same over Tor is registry.int.test.ts), with an injected clock to cross
// hour boundaries, a dead gateway in the list, invisibility, going offline and DHT churn.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { HOUR_MS, ready, verifyRecord, type Identity } from './protocol.ts';
import { tcpConnector } from './connectors.ts';
import { GatewayTransport } from './gateway-transport.ts';
import { FAST_PUBLISHER_TIMINGS } from './publisher.ts';
import { Registry } from './registry.ts';
import type { ContactSighting } from './lookup.ts';
import { contactPair, deadGatewayUrl, settableClock, startRegistryNet, type RegistryNet } from './test-support.ts';

let net: RegistryNet;
let dead: string;
const registries: Registry[] = [];

before(async () => {
  await ready();
  net = await startRegistryNet({ gateways: 2, dhtSize: 25 });
  dead = await deadGatewayUrl();
});
after(async () => {
  await Promise.all(registries.map((r) => r.close()));
  await net.close();
});

function registry(identity: Identity, now: () => number): Registry {
  const transport = new GatewayTransport({
    gateways: [dead, ...net.gateways.map((g) => g.url)],
    connect: tcpConnector(),
    verify: (r) => verifyRecord(r.publicKey, r.seq, r.value, r.signature),
    timeoutMs: 5_000,
  });
  const r = new Registry({ transport, identity, timings: FAST_PUBLISHER_TIMINGS, env: { now } });
  registries.push(r);
  return r;
}

/** Two profiles sharing K_AB, each knowing the other as its only contact. */
function pairedRegistries(now: () => number): { pair: ReturnType<typeof contactPair>; a: Registry; b: Registry } {
  const pair = contactPair();
  const a = registry(pair.a.identity, now);
  const b = registry(pair.b.identity, now);
  a.setContacts([pair.a.contact]);
  b.setContacts([pair.b.contact]);
  return { pair, a, b };
}

const midHour = (Math.floor(Date.now() / HOUR_MS) + 1) * HOUR_MS + 30 * 60_000;

test('A and B find each other in both orders of arrival, with one gateway down', async () => {
  for (const order of ['a-first', 'b-first'] as const) {
    const clock = settableClock(midHour);
    const { pair, a, b } = pairedRegistries(clock.now);
    const [first, second, firstSide, secondSide] = order === 'a-first' ? [a, b, pair.a, pair.b] : [b, a, pair.b, pair.a];
    const report = await first.publishNow();
    assert.equal(report.failed, 0);
    assert.equal(report.real, 3, 'one real entry per replica');
    assert.equal(report.entries, 16 * 3, 'N = 16 entries per replica index');
    // The later one publishes, then looks up and finds the earlier one's endpoint.
    await second.publishNow();
    const events: ContactSighting[] = [];
    second.events.on('endpoint', (s) => events.push(s));
    const found = await second.lookup(secondSide.contact.id);
    assert.ok(found, `${order}: the later side finds the earlier one`);
    assert.equal(found.onion, firstSide.contact.endpoint?.onion);
    assert.equal(found.port, firstSide.contact.endpoint?.port);
    assert.equal(found.state, 'online');
    assert.deepEqual(found.publisherPublicKey, firstSide.identity.publicKey);
    assert.equal(events.length, 1);
    // And the earlier one finds the later one too (its sweep).
    const swept = await first.sweep();
    assert.equal(swept.get(firstSide.contact.id)?.onion, secondSide.contact.endpoint?.onion);
  }
});

test('across an hour boundary: next hour published in the lead window, found after the boundary', async () => {
  const clock = settableClock(midHour + 27 * 60_000); // 3 min before the boundary (lead is 5 min)
  const { pair, a, b } = pairedRegistries(clock.now);
  const report = await a.publishNow();
  assert.deepEqual(report.hours.length, 2, 'current and next hour');
  assert.equal(report.entries, 2 * 16 * 3);
  clock.set(midHour + 45 * 60_000); // 15 min into the next hour: past the grace, only D is read
  const found = await b.lookup('alice');
  assert.ok(found);
  assert.equal(found.hour, Math.floor(clock.now() / HOUR_MS));
  assert.equal(found.onion, pair.a.contact.endpoint?.onion);
  // Without a refresh for two hours, the entries are gone from what readers look at.
  clock.set(midHour + 2 * HOUR_MS);
  assert.equal(await b.lookup('alice'), null);
});

test('invisible to one contact: the contact sees offline this hour and nothing the next', async () => {
  const clock = settableClock(midHour);
  const { pair, a, b } = pairedRegistries(clock.now);
  await a.publishNow();
  assert.equal((await b.lookup('alice'))?.state, 'online');
  clock.advance(60_000);
  a.setContacts([{ ...pair.a.contact, visible: false }]);
  const hidden = await a.publishNow();
  assert.equal(hidden.real, 0);
  assert.equal(hidden.gone, 3, 'the real entries of this hour are overwritten with gone');
  assert.equal(hidden.entries, 48, 'same count as always');
  const offline: ContactSighting[] = [];
  b.events.on('offline', (s) => offline.push(s));
  assert.equal((await b.lookup('alice'))?.state, 'gone');
  assert.equal(offline.length, 1);
  clock.advance(HOUR_MS);
  const next = await a.publishNow();
  assert.equal(next.gone + next.real, 0, 'next hour: only dummies');
  assert.equal(next.entries, 48);
  assert.equal(await b.lookup('alice'), null);
});

test('goOffline overwrites real entries with gone, N x r writes as always', async () => {
  const clock = settableClock(midHour);
  const { a, b } = pairedRegistries(clock.now);
  a.setOwnState('busy');
  await a.publishNow();
  assert.equal((await b.lookup('alice'))?.state, 'busy');
  clock.advance(1000);
  const report = await a.goOffline();
  assert.equal(report.entries, 48);
  assert.equal(report.gone, 3);
  assert.equal((await b.lookup('alice'))?.state, 'gone');
});

test('a contact removed (revoked, or a bootstrap key after the upgrade) is overwritten with noise, not gone', async () => {
  const clock = settableClock(midHour);
  const { a, b } = pairedRegistries(clock.now);
  await a.publishNow();
  assert.equal((await b.lookup('alice'))?.state, 'online');
  clock.advance(60_000);
  a.setContacts([]);
  const scrubbed = await a.publishNow();
  assert.equal(scrubbed.real + scrubbed.gone, 0, 'nothing sealed for a removed contact');
  assert.equal(scrubbed.entries, 48, 'same count as always: the old keys keep being written, with noise');
  // Whoever still holds the key (ex-contact, invitation-mail reader) finds nothing that decrypts.
  assert.equal(await b.lookup('alice'), null);
});

test('a contact removed just after the hour boundary adds no scrub writes (48, not 51) and finds nothing next hour', async () => {
  const boundary = (Math.floor(Date.now() / HOUR_MS) + 2) * HOUR_MS;
  const clock = settableClock(boundary - 2 * 60_000); // inside the lead window: D and D+1 are written
  const { a, b } = pairedRegistries(clock.now);
  await a.publishNow();
  clock.set(boundary + 60_000); // inside the readers' grace
  a.setContacts([]);
  const report = await a.publishNow();
  assert.equal(report.entries, 48, 'the count is a function of the hour and bucket only');
  assert.equal(report.real + report.gone, 0);
  clock.set(boundary + 20 * 60_000); // past the grace: readers look at the new hour only
  assert.equal(await b.lookup('alice'), null);
});

test('the r replicas of an entry go to different gateways', async () => {
  const transport = new GatewayTransport({
    gateways: net.gateways.map((g) => g.url),
    connect: tcpConnector(),
    verify: (r) => verifyRecord(r.publicKey, r.seq, r.value, r.signature),
  });
  try {
    const order = [0, 1, 2].map((spread) => transport.health.order(transport.gatewayNames, spread)[0]);
    assert.notEqual(order[0], order[1], 'replicas 0 and 1 on different gateways');
    assert.equal(order[0], order[2], 'with 2 gateways, replica 2 wraps around');
    // Fixed for a given index, whatever the shuffle of unspread requests.
    for (let i = 0; i < 5; i++) assert.equal(transport.health.order(transport.gatewayNames, 1)[0], order[1]);
  } finally {
    await transport.close();
  }
});

test('kill 60 % of DHT nodes after publishing: lookups still succeed (replicas)', async () => {
  const own = await startRegistryNet({ gateways: 1, dhtSize: 25 });
  try {
    const clock = settableClock(midHour);
    const pair = contactPair();
    const mk = (identity: typeof pair.a.identity): Registry => {
      const t = new GatewayTransport({ gateways: [own.gateways[0]!.url], connect: tcpConnector(), verify: (r) => verifyRecord(r.publicKey, r.seq, r.value, r.signature), timeoutMs: 15_000 });
      const r = new Registry({ transport: t, identity, timings: FAST_PUBLISHER_TIMINGS, env: { now: clock.now } });
      registries.push(r);
      return r;
    };
    const a = mk(pair.a.identity);
    const b = mk(pair.b.identity);
    a.setContacts([pair.a.contact]);
    b.setContacts([pair.b.contact]);
    await a.publishNow();
    const killed = await own.dht.killNodes(0.6);
    assert.equal(killed, 15);
    const found = await b.lookup('alice');
    assert.ok(found, 'found after 60 % of the DHT died');
    assert.equal(found.onion, pair.a.contact.endpoint?.onion);
  } finally {
    await own.close();
  }
});

test('bad contacts and states get coded errors', () => {
  const pair = contactPair();
  const r = registry(pair.a.identity, Date.now);
  const bad: unknown[] = [
    [{ ...pair.a.contact, sharedKey: new Uint8Array(3) }],
    [{ ...pair.a.contact, ownRole: 2 }],
    [{ ...pair.a.contact, peerRole: pair.a.contact.ownRole }],
    [{ ...pair.a.contact, endpoint: { onion: 'nope.onion', port: 1, expiresAt: 1 } }],
    [pair.a.contact, pair.a.contact],
    'not a list',
  ];
  for (const list of bad) {
    assert.throws(() => r.setContacts(list as never), (err: unknown) => (err as { code?: string }).code === 'BAD_INPUT');
  }
  assert.throws(() => r.setOwnState('gone' as never), (err: unknown) => (err as { code?: string }).code === 'BAD_INPUT');
  return assert.rejects(r.lookup('nobody'), (err: unknown) => (err as { code?: string }).code === 'UNKNOWN_CONTACT');
});
