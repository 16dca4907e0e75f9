// A sweep's batches go out together (issue 11 item 1: the first sweep at start costs about one get,
// not one per wave of batches), with the same padded requests as before: whole batches of 12,
// N x hours x r keys, and the entry is still found. Real gateways on a loopback HyperDHT; the only
// addition is a count of the gets in flight at the transport boundary.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { HOUR_MS, lookupHours, ready, verifyRecord } from './protocol.ts';
import { tcpConnector } from './connectors.ts';
import { GatewayTransport } from './gateway-transport.ts';
import { FAST_PUBLISHER_TIMINGS } from './publisher.ts';
import { Registry } from './registry.ts';
import { BATCHES_IN_FLIGHT, LOOKUP_TIMINGS } from './lookup.ts';
import { entriesPerIndex } from './hour-plan.ts';
import { MAX_KEYS_PER_GET, type RegistryTransport } from './transport.ts';
import { contactPair, settableClock, startRegistryNet, type RegistryNet } from './test-support.ts';

let net: RegistryNet;
before(async () => {
  await ready();
  net = await startRegistryNet({ gateways: 2, dhtSize: 10 });
});
after(async () => {
  await net.close();
});

/** The real transport, counting the gets in flight and every batch asked. */
function counted(inner: RegistryTransport): RegistryTransport & { maxInFlight: number; batches: number[] } {
  let inFlight = 0;
  const t = {
    maxInFlight: 0,
    batches: [] as number[],
    put: inner.put.bind(inner),
    close: () => inner.close(),
    async get(keys: Uint8Array[], signal?: AbortSignal) {
      t.batches.push(keys.length);
      t.maxInFlight = Math.max(t.maxInFlight, ++inFlight);
      try {
        return await inner.get(keys, signal);
      } finally {
        inFlight--;
      }
    },
  };
  return t;
}

test('a sweep sends all its batches at once (up to BATCHES_IN_FLIGHT), padded as before, and finds the entry', async () => {
  // Within the lead window before the next hour: the sweep covers two hours (8 batches).
  const clock = settableClock((Math.floor(Date.now() / HOUR_MS) + 1) * HOUR_MS - LOOKUP_TIMINGS.leadMs / 2);
  const transport = (): GatewayTransport => new GatewayTransport({
    gateways: net.gateways.map((g) => g.url), connect: tcpConnector(), verify: (r) => verifyRecord(r.publicKey, r.seq, r.value, r.signature),
  });
  const pair = contactPair();
  const a = new Registry({ transport: transport(), identity: pair.a.identity, timings: FAST_PUBLISHER_TIMINGS, env: { now: clock.now } });
  const bTransport = counted(transport());
  const b = new Registry({ transport: bTransport, identity: pair.b.identity, timings: FAST_PUBLISHER_TIMINGS, env: { now: clock.now } });
  try {
    a.setContacts([pair.a.contact]);
    b.setContacts([pair.b.contact]);
    assert.equal((await a.publishNow()).failed, 0);
    const found = await b.sweep();
    assert.equal(found.get(pair.b.contact.id)?.state, 'online', 'the sweep finds the entry');
    const hours = lookupHours(clock.now(), LOOKUP_TIMINGS).length;
    const keys = entriesPerIndex(1) * hours * 3;
    assert.deepEqual(bTransport.batches, Array.from({ length: keys / MAX_KEYS_PER_GET }, () => MAX_KEYS_PER_GET), 'whole batches of 12, N x hours x r keys');
    assert.equal(bTransport.maxInFlight, Math.min(BATCHES_IN_FLIGHT, keys / MAX_KEYS_PER_GET), 'every batch of the sweep in flight at once');
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});

test('a contact\'s first entry is heard as soon as its batch answers, before the sweep\'s slowest batch', async () => {
  const clock = settableClock(Math.floor(Date.now() / HOUR_MS) * HOUR_MS + 20 * 60_000);
  const transport = (): GatewayTransport => new GatewayTransport({
    gateways: net.gateways.map((g) => g.url), connect: tcpConnector(), verify: (r) => verifyRecord(r.publicKey, r.seq, r.value, r.signature),
  });
  const pair = contactPair();
  const a = new Registry({ transport: transport(), identity: pair.a.identity, timings: FAST_PUBLISHER_TIMINGS, env: { now: clock.now } });
  // Batches with nothing of the contact's in them (padding) are held back until released.
  const inner = transport();
  let release!: () => void;
  const released = new Promise<void>((resolve) => { release = resolve; });
  let held = 0;
  const slow: RegistryTransport = {
    put: inner.put.bind(inner),
    close: () => inner.close(),
    async get(keys, signal) {
      const answer = await inner.get(keys, signal);
      if (answer.every((r) => r === null)) {
        held++;
        await released;
      }
      return answer;
    },
  };
  const b = new Registry({ transport: slow, identity: pair.b.identity, timings: FAST_PUBLISHER_TIMINGS, env: { now: clock.now } });
  try {
    a.setContacts([pair.a.contact]);
    b.setContacts([pair.b.contact]);
    assert.equal((await a.publishNow()).failed, 0);
    const first = new Promise<string>((resolve) => b.events.once('first-sighting', (s) => resolve(s.state)));
    let done = false;
    const sweep = b.sweep().finally(() => { done = true; });
    assert.equal(await first, 'online');
    assert.equal(done, false, 'heard while the sweep still waits for its other batches');
    release();
    const found = await sweep;
    assert.ok(held > 0, 'padding batches were held back');
    assert.equal(found.get(pair.b.contact.id)?.state, 'online', 'the sweep\'s result has the entry too');
  } finally {
    release();
    await Promise.all([a.close(), b.close()]);
  }
});
