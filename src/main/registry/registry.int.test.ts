// The registry over real Tor (the shared testbed's private network, SOTTO_TESTBED): every request
// is an isolated SOCKS stream of a client tor built from the testbed description.
// 1. A and B find each other through the testbed's gateways as onion services, both orders of
//    arrival, across an hour boundary (injected clock), with a dead gateway onion in the list.
// Faults (lying gateways, 60 % of DHT nodes killed) need the test's own DHT and gateways: they are
// in registry-faults.int.test.ts (over Tor, gateways published as onions) and, over loopback TCP,
// in gateway-transport.test.ts and registry.test.ts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { socksConnect } from '../tor/index.ts';
import { startClientTor, type ClientTor } from '../../testbed/client-tor.ts';
import { readTestbedDescription, type TestbedDescription } from '../../testbed/description.ts';
import { HOUR_MS, ready, type Identity } from './protocol.ts';
import { gatewayTransportOverTor } from './index.ts';
import { FAST_PUBLISHER_TIMINGS } from './publisher.ts';
import { Registry } from './registry.ts';
import { contactPair, randomOnion, settableClock } from './test-support.ts';

const descriptionPath = process.env.SOTTO_TESTBED;
const skip = descriptionPath === undefined && 'SOTTO_TESTBED not set (run through npm run test:int)';
let description: TestbedDescription;
let client: ClientTor;
let dir: string;
const registries: Registry[] = [];

before(async () => {
  if (skip) return;
  await ready();
  description = await readTestbedDescription(descriptionPath as string);
  dir = await mkdtemp(join(tmpdir(), 'sotto-registry-int-'));
  client = await startClientTor({ clientTorrc: description.tor.clientTorrc, dataDir: join(dir, 'tor') });
});
after(async () => {
  if (skip) return;
  await Promise.all(registries.map((r) => r.close()));
  await client.tor.stop();
  await rm(dir, { recursive: true, force: true });
});

function overTor(gateways: string[], identity: Identity, now: () => number): Registry {
  const socksPort = client.tor.socksPort;
  assert.ok(socksPort !== null);
  const transport = gatewayTransportOverTor({ gateways, socksConnect, socksPort, timeoutMs: 30_000 });
  const r = new Registry({ transport, identity, timings: FAST_PUBLISHER_TIMINGS, env: { now } });
  registries.push(r);
  return r;
}

const midHour = (Math.floor(Date.now() / HOUR_MS) + 1) * HOUR_MS + 30 * 60_000;

test('over Tor: A and B find each other, both orders, across an hour boundary, one gateway down', { skip }, async () => {
  const gateways = [...description.gateways.map((g) => `http://${g.onion}`), `http://${randomOnion()}:80`];
  for (const order of ['a-first', 'b-first'] as const) {
    const clock = settableClock(midHour + 27 * 60_000); // 3 min before the boundary
    const pair = contactPair();
    const a = overTor(gateways, pair.a.identity, clock.now);
    const b = overTor(gateways, pair.b.identity, clock.now);
    a.setContacts([pair.a.contact]);
    b.setContacts([pair.b.contact]);
    const [first, second, firstSide, secondSide] = order === 'a-first' ? [a, b, pair.a, pair.b] : [b, a, pair.b, pair.a];
    const report = await first.publishNow();
    assert.equal(report.hours.length, 2, 'current and next hour in the lead window');
    assert.equal(report.failed, 0, 'every put reached a live gateway');
    await second.publishNow();
    const found = await second.lookup(secondSide.contact.id);
    assert.equal(found?.onion, firstSide.contact.endpoint?.onion, `${order}: found before the boundary`);
    clock.set(midHour + 45 * 60_000); // past the boundary and its grace: only the new hour is read
    const after = await second.lookup(secondSide.contact.id);
    assert.equal(after?.hour, Math.floor(clock.now() / HOUR_MS), `${order}: found in the new hour`);
    assert.equal(after?.onion, firstSide.contact.endpoint?.onion);
    const back = await first.sweep();
    assert.equal(back.get(firstSide.contact.id)?.onion, secondSide.contact.endpoint?.onion, `${order}: the earlier side finds the later one`);
  }
});
