// Records written once and keys read inside the sweep's padding (docs/PROTOCOL.md "Invitation taken
// tombstone"), on real gateways over a loopback HyperDHT: the inviter's registry writes a tombstone
// once, the redeemer's registry finds every replica in its next sweep with the same padded
// requests as a sweep without it; a put that fails on every gateway is retried a bounded number of
// times, then given up with a coded error; closing the registry ends pending retries.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { identityFromSeed, takenRecordKeys, takenRecords, toHex } from '../../protocol/index.ts';
import { HOUR_MS, lookupHours, ready, verifyRecord } from './protocol.ts';
import { tcpConnector } from './connectors.ts';
import { GatewayTransport } from './gateway-transport.ts';
import { FAST_PUBLISHER_TIMINGS } from './publisher.ts';
import { Registry } from './registry.ts';
import { LOOKUP_TIMINGS } from './lookup.ts';
import { ONE_TIME_WRITE_ATTEMPTS } from './one-time-writes.ts';
import { entriesPerIndex } from './hour-plan.ts';
import { MAX_KEYS_PER_GET, type RegistryTransport, type SignedRecord } from './transport.ts';
import type { RegistryError } from './errors.ts';
import { contactPair, deadGatewayUrl, settableClock, startRegistryNet, type RegistryNet } from './test-support.ts';

let net: RegistryNet;
before(async () => {
  await ready();
  net = await startRegistryNet({ gateways: 2, dhtSize: 10 });
});
after(async () => {
  await net.close();
});

const transportTo = (urls: string[]): GatewayTransport => new GatewayTransport({
  gateways: urls, connect: tcpConnector(), verify: (r) => verifyRecord(r.publicKey, r.seq, r.value, r.signature),
});

function tombstone(): { secret: Uint8Array; records: SignedRecord[] } {
  const secret = new Uint8Array(32).map((_, i) => (i * 29 + 7) & 0xff);
  const inviter = identityFromSeed(new Uint8Array(32).fill(3));
  const nonces = [0, 1, 2].map((i) => new Uint8Array(24).fill(i + 1));
  return { secret, records: takenRecords({ secret, inviter, redeemerTag: new Uint8Array(32).fill(5), seq: Date.now(), nonces }) };
}

test('written once, found in the next sweep inside its padding: the same N x hours x r keys in whole batches', async () => {
  const clock = settableClock(Math.floor(Date.now() / HOUR_MS) * HOUR_MS + 20 * 60_000);
  const pair = contactPair();
  const writer = new Registry({ transport: transportTo(net.gateways.map((g) => g.url)), identity: pair.a.identity, timings: FAST_PUBLISHER_TIMINGS, env: { now: clock.now } });
  const inner = transportTo(net.gateways.map((g) => g.url));
  const batches: number[] = [];
  const counted: RegistryTransport = {
    put: inner.put.bind(inner), close: () => inner.close(),
    get: (keys, signal) => { batches.push(keys.length); return inner.get(keys, signal); },
  };
  const reader = new Registry({ transport: counted, identity: pair.b.identity, timings: FAST_PUBLISHER_TIMINGS, env: { now: clock.now } });
  try {
    const { secret, records } = tombstone();
    await writer.writeOnce(records);
    reader.setContacts([pair.b.contact]);
    const heard: SignedRecord[] = [];
    const stop = reader.watchKeys('pending/taken', takenRecordKeys(secret), (r) => heard.push(r));
    await reader.sweep();
    assert.deepEqual(heard.map((r) => toHex(r.publicKey)).sort(), records.map((r) => toHex(r.publicKey)).sort(), 'every replica found');
    for (const r of heard) assert.equal(toHex(r.value), toHex(records.find((x) => toHex(x.publicKey) === toHex(r.publicKey))!.value));
    const hours = lookupHours(clock.now(), LOOKUP_TIMINGS).length;
    // One contact and one watch count as two pairings: still the first bucket's N.
    const keys = entriesPerIndex(2) * hours * 3;
    assert.equal(keys, entriesPerIndex(1) * hours * 3, 'the watch did not change the sweep size');
    assert.deepEqual(batches, Array.from({ length: keys / MAX_KEYS_PER_GET }, () => MAX_KEYS_PER_GET), 'whole batches of 12, N x hours x r keys');
    stop();
    heard.length = 0;
    await reader.sweep();
    assert.equal(heard.length, 0, 'after the unsubscribe the keys are not read');
  } finally {
    await Promise.all([writer.close(), reader.close()]);
  }
});

test('a put that fails on every gateway is retried ONE_TIME_WRITE_ATTEMPTS times in all, then given up with a coded error', async () => {
  const pair = contactPair();
  let puts = 0;
  const hedges: (number | undefined)[] = [];
  const inner = transportTo([await deadGatewayUrl()]);
  const failing: RegistryTransport = {
    put: (r, o) => { puts++; hedges.push(o?.hedgeAfterMs); return inner.put(r, o); }, get: inner.get.bind(inner), close: () => inner.close(),
  };
  // Retries after 5-10 ms (doubled per failure): the real back-off logic, a short delay.
  const registry = new Registry({ transport: failing, identity: pair.a.identity, timings: { ...FAST_PUBLISHER_TIMINGS, retryMinMs: 5, retryMaxMs: 10 } });
  const errors: RegistryError[] = [];
  registry.events.on('error', (e) => errors.push(e));
  try {
    const { records } = tombstone();
    await registry.writeOnce(records.slice(0, 1));
    assert.equal(puts, ONE_TIME_WRITE_ATTEMPTS);
    assert.ok(hedges.every((h) => h === FAST_PUBLISHER_TIMINGS.hedgeMs), 'every attempt hedged: the redeemer waits for it');
    assert.equal(errors.length, 1);
    assert.match(errors[0]!.code, /GATEWAY|ALL_GATEWAYS_FAILED/);
  } finally {
    await registry.close();
  }
});

test('closing the registry ends a write that waits for its retry', async () => {
  const pair = contactPair();
  let puts = 0;
  let failed = 0;
  const inner = transportTo([await deadGatewayUrl()]);
  const failing: RegistryTransport = {
    put: (r, o) => { puts++; return inner.put(r, o).catch((err: unknown) => { failed++; throw err; }); },
    get: inner.get.bind(inner), close: () => inner.close(),
  };
  const registry = new Registry({ transport: failing, identity: pair.a.identity, timings: { ...FAST_PUBLISHER_TIMINGS, retryMinMs: 60_000, retryMaxMs: 60_000 } });
  const writing = registry.writeOnce(tombstone().records);
  // Every record's first put has failed: each now waits 60 s for its retry (bounded poll).
  const deadline = Date.now() + 30_000;
  while (failed < 3 && Date.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
  assert.equal(failed, 3);
  await registry.close();
  await writing;
  assert.equal(puts, 3, 'no retry after close');
});
