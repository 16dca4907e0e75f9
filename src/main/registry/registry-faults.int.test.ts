// Registry faults met the way a user meets them: the client side over real Tor (a client tor of
// the shared testbed's private network, SOTTO_TESTBED), every request an isolated SOCKS stream to
// a gateway onion. The gateways are this file's own (its own HyperDHT testnet, so killing nodes
// hurts no other test): two real gateways (`startGateway`) and one malicious gateway (the real
// `createGatewayHandler` on its own DHT client, lying on the way out), all three published as
// onion services on the same client tor. One tor and one set of onions serve every case; each
// case builds fresh registries (fresh gateway health) and switches the liar's misbehaviour.
// Issue 4: kill 60 % of DHT nodes after publishing; a gateway that drops, replays older records
// or flips bytes: the client rejects bad records, falls over, and still finds the contact.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { socksConnect } from '../tor/index.ts';
import { createGatewayDht, type RegistryDht } from '../../gateway/index.ts';
import { startClientTor, type ClientTor } from '../../testbed/client-tor.ts';
import { readTestbedDescription } from '../../testbed/description.ts';
import { HOUR_MS, ready, type Identity } from './protocol.ts';
import { gatewayTransportOverTor, isRegistryError, type GatewayTransport } from './index.ts';
import { FAST_PUBLISHER_TIMINGS } from './publisher.ts';
import { Registry } from './registry.ts';
import {
  contactPair, publishTestOnions, randomOnion, settableClock, startMaliciousGateway, startRegistryNet,
  type ContactPair, type MaliciousGateway, type RegistryNet,
} from './test-support.ts';

const descriptionPath = process.env.SOTTO_TESTBED;
const skip = descriptionPath === undefined && 'SOTTO_TESTBED not set (run through npm run test:int)';
let dir: string;
let client: ClientTor;
let net: RegistryNet;
let liarDht: RegistryDht;
let liar: MaliciousGateway;
/** Onion URLs: two honest gateways and the liar. */
let honest: [string, string];
let liarUrl: string;
const registries: Registry[] = [];
const timings: Record<string, number> = {};
/** Gateway failures the transports logged (printed at the end: expected ones come from the liar). */
const failures: string[] = [];

before(async () => {
  if (skip) return;
  const t0 = Date.now();
  await ready();
  const description = await readTestbedDescription(descriptionPath as string);
  dir = await mkdtemp(join(tmpdir(), 'sotto-registry-faults-'));
  [client, net] = await Promise.all([
    startClientTor({ clientTorrc: description.tor.clientTorrc, dataDir: join(dir, 'tor') }),
    startRegistryNet({ gateways: 2, dhtSize: 25 }),
  ]);
  liarDht = createGatewayDht({ bootstrap: net.dht.bootstrap, host: '127.0.0.1' });
  await liarDht.fullyBootstrapped();
  liar = await startMaliciousGateway({ dht: liarDht });
  timings.setupLocalMs = Date.now() - t0;
  const t1 = Date.now();
  const urls = await publishTestOnions(client.tor, [net.gateways[0]!.port, net.gateways[1]!.port, liar.port]);
  timings.onionsReachableMs = Date.now() - t1;
  honest = [urls[0]!, urls[1]!];
  liarUrl = urls[2]!;
});

after(async () => {
  if (skip) return;
  await Promise.all(registries.map((r) => r.close()));
  await client?.tor.stop();
  await liar?.close();
  await liarDht?.destroy();
  await net?.close();
  await rm(dir, { recursive: true, force: true });
  console.log(`# registry faults over Tor: ${JSON.stringify(timings)}`);
  // Expected: the liar's BAD_ANSWERs and dropped requests; anything on an honest onion is Tor.
  console.log(`# gateway failures and slow streams: ${failures.length}\n# ${failures.join('\n# ')}`);
});

const midHour = (Math.floor(Date.now() / HOUR_MS) + 1) * HOUR_MS + 30 * 60_000;

/** A registry whose every request goes through the client tor's SOCKS port to `gateways`. */
function overTor(gateways: string[], identity: Identity, now: () => number): { registry: Registry; transport: GatewayTransport } {
  const socksPort = client.tor.socksPort;
  assert.ok(socksPort !== null);
  // 15 s: a gateway answers within its 10 s DHT budget (504 after), plus ~0.1-1 s of circuits.
  // About one isolated stream in 50-150 stalled silently under load here (connect fine, no
  // answer); failover covers it, the budget bounds what it costs this file.
  const transport = gatewayTransportOverTor({
    gateways, socksPort, timeoutMs: 15_000,
    socksConnect: observedSocksConnect,
    log: (event, fields) => failures.push(`${event} ${JSON.stringify(fields)}`),
  });
  const registry = new Registry({ transport, identity, timings: FAST_PUBLISHER_TIMINGS, env: { now } });
  registries.push(registry);
  return { registry, transport };
}

/** src/main/tor's socksConnect, noting streams that took > 5 s (connect vs whole exchange). */
const observedSocksConnect: typeof socksConnect = async (o) => {
  const t0 = Date.now();
  const socket = await socksConnect(o);
  const connectMs = Date.now() - t0;
  let received = 0;
  socket.on('data', (c: Buffer) => {
    received += c.length;
  });
  socket.on('close', () => {
    if (Date.now() - t0 > 5_000) failures.push(`slow stream to ${o.host.slice(0, 8)}: connect ${connectMs} ms, closed after ${Date.now() - t0} ms, ${received} B received`);
  });
  return socket;
};

const liarName = (): string => new URL(liarUrl).host;

/**
 * A fresh B looks A up through `via`. Through one gateway alone (the cases that prove a liar
 * really lies), a stalled Tor stream would fail the lookup with nothing to fall over to: one
 * retry for timeouts and unreachability only, never for a refused or rejected answer.
 */
async function lookupVia(via: string[], pair: ContactPair, now: () => number) {
  for (let attempt = 0; ; attempt++) {
    const b = overTor(via, pair.b.identity, now);
    b.registry.setContacts([pair.b.contact]);
    try {
      return { b, found: await b.registry.lookup('alice') };
    } catch (err) {
      const cause = err instanceof Error ? err.cause : undefined;
      const torFault = isRegistryError(cause, 'GATEWAY_TIMEOUT') || isRegistryError(cause, 'GATEWAY_UNREACHABLE');
      if (attempt > 0 || !isRegistryError(err, 'ALL_GATEWAYS_FAILED') || !torFault) throw err;
      failures.push(`retried a lookup through ${via.length} gateway(s) after ${(cause as Error).message}`);
    }
  }
}

/** A publishes (through `gateways`), then a fresh B looks A up through `lookupVia`. */
async function publishAndLookup(pair: ContactPair, publishVia: string[], via: string[], now: () => number) {
  const a = overTor(publishVia, pair.a.identity, now);
  a.registry.setContacts([pair.a.contact]);
  const report = await a.registry.publishNow();
  return { a, report, ...(await lookupVia(via, pair, now)) };
}

async function timed<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const t0 = Date.now();
  try {
    return await fn();
  } finally {
    timings[name] = Date.now() - t0;
  }
}

test('a gateway that flips bytes: its records are rejected, it is benched, the contact is still found', { skip }, () => timed('flipMs', async () => {
  liar.misbehaviour = 'flip';
  const clock = settableClock(midHour);
  const pair = contactPair();
  // The liar stores honestly (a flipped put would be refused by every storer); it lies on reads.
  const { b, found, report } = await publishAndLookup(pair, [liarUrl, honest[0]], [liarUrl, honest[1]], clock.now);
  assert.equal(report.failed, 0);
  assert.equal(found?.onion, pair.a.contact.endpoint?.onion, 'found through the honest gateway');
  assert.ok(liar.seen.get > 0, 'the liar was asked (fanout 2), so its answer was really rejected');
  assert.equal(b.transport.health.isHealthy(liarName()), false, 'the liar is benched');
  // Alone, the liar cannot make the client accept a flipped record: a coded refusal, no sighting.
  await assert.rejects(lookupVia([liarUrl], pair, clock.now), (err: unknown) =>
    isRegistryError(err, 'ALL_GATEWAYS_FAILED') && isRegistryError((err as Error).cause, 'BAD_ANSWER'));
}));

test('a gateway that replays an older record: the newer endpoint from the other gateway wins', { skip }, () => timed('replayMs', async () => {
  liar.misbehaviour = 'replay';
  const clock = settableClock(midHour);
  const pair = contactPair();
  const oldOnion = pair.a.contact.endpoint?.onion;
  // B reads A's first entry through the liar, which keeps it.
  const first = await publishAndLookup(pair, honest, [liarUrl], clock.now);
  assert.equal(first.found?.onion, oldOnion);
  // A rotates its endpoint (DESIGN D5: new endpoint every session) and re-publishes, later seq.
  clock.advance(60_000);
  const newOnion = randomOnion();
  first.a.registry.setContacts([{ ...pair.a.contact, endpoint: { ...pair.a.contact.endpoint!, onion: newOnion } }]);
  assert.equal((await first.a.registry.publishNow()).failed, 0);
  // The liar alone still serves the old, genuinely signed entry: proof that it replays.
  const fooled = await lookupVia([liarUrl], pair, clock.now);
  assert.equal(fooled.found?.onion, oldOnion, 'the liar replays the older record');
  // With a second gateway in the get fanout, the newest seq per key wins. Three fresh readers: with
  // a fanout of 1 each would have a 1 in 2 chance to ask only the liar (so this would catch it).
  for (let i = 0; i < 3; i++) {
    const { found } = await lookupVia([liarUrl, honest[1]], pair, clock.now);
    assert.equal(found?.onion, newOnion, `reader ${i}: the newer endpoint wins over the replay`);
  }
}));

test('a gateway that drops entries from its answers: the other gateway\'s answer fills them in', { skip }, () => timed('hideMs', async () => {
  liar.misbehaviour = 'hide';
  const clock = settableClock(midHour);
  const pair = contactPair();
  const { found } = await publishAndLookup(pair, honest, [liarUrl, honest[1]], clock.now);
  assert.equal(found?.onion, pair.a.contact.endpoint?.onion);
  for (let i = 0; i < 2; i++) {
    const again = await lookupVia([liarUrl, honest[1]], pair, clock.now);
    assert.equal(again.found?.onion, pair.a.contact.endpoint?.onion, `reader ${i + 2}`);
  }
  const alone = await lookupVia([liarUrl], pair, clock.now);
  assert.equal(alone.found, null, 'the liar alone hides the contact (why gets fan out to 2)');
}));

test('a gateway that drops every request: puts and gets fall over to the other gateway', { skip }, () => timed('hangupMs', async () => {
  liar.misbehaviour = 'hangup';
  const seenBefore = liar.seen.put + liar.seen.get;
  const failuresBefore = failures.length;
  const clock = settableClock(midHour);
  const pair = contactPair();
  const { a, b, report, found } = await publishAndLookup(pair, [liarUrl, honest[0]], [liarUrl, honest[1]], clock.now);
  // Every put the liar dropped was retried on the honest gateway: a put fails only where the
  // honest gateway failed too (a timeout under load, seen 2 of 48 once on a loaded run).
  const honestHost = new URL(honest[0]!).hostname;
  const honestPutFailures = failures.slice(failuresBefore).filter((f) => f.includes('"op":"put"') && f.includes(honestHost)).length;
  assert.ok(report.failed <= honestPutFailures, `${report.failed} puts failed, the honest gateway failed ${honestPutFailures}: a dropped put was not retried there`);
  assert.ok(liar.seen.put + liar.seen.get > seenBefore, 'the liar was asked and dropped requests');
  // Counted failures, not "unhealthy now": the backoff (2 s +-25 %) may already have run out on a
  // slow machine by the time these lines run.
  const failuresAt = (t: typeof a.transport): number => t.health.snapshot().find((g) => g.name === liarName())?.failures ?? 0;
  assert.ok(failuresAt(a.transport) > 0, 'the publisher marked it failed and backed off');
  assert.equal(found?.onion, pair.a.contact.endpoint?.onion);
  assert.ok(failuresAt(b.transport) > 0, 'the reader marked it failed and backed off');
}));

// Last: the DHT stays crippled afterwards.
test('kill 60 % of DHT nodes after publishing over Tor: lookups over Tor still find the contact', { skip }, () => timed('dhtKillMs', async () => {
  const clock = settableClock(midHour);
  const pair = contactPair();
  const a = overTor(honest, pair.a.identity, clock.now);
  a.registry.setContacts([pair.a.contact]);
  assert.equal((await a.registry.publishNow()).failed, 0);
  const killed = await net.dht.killNodes(0.6);
  assert.equal(killed, 15);
  assert.equal(net.dht.alive(), 10);
  const { found } = await lookupVia(honest, pair, clock.now);
  assert.equal(found?.onion, pair.a.contact.endpoint?.onion, 'found after 60 % of the DHT died');
}));
