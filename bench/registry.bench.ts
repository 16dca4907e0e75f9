// Registry benchmark (issue 4). Floors measured in the same run: raw hyperdht mutablePut /
// mutableGet from an ephemeral client on the same loopback testnet. Prints ratios, never asserts.
// Over-Tor rows need the shared testbed: SOTTO_TESTBED=<description file> npm run bench.
import { createRequire } from 'node:module';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { HOUR_MS, ready, recordKeyPair, signRecord, REGISTRY_VALUE_SIZE } from '../src/protocol/index.ts';
import {
  GatewayTransport, Registry, FAST_PUBLISHER_TIMINGS, PUBLISHER_TIMINGS, entriesPerIndex, tcpConnector,
  verifySignedRecord, gatewayTransportOverTor, type RegistryTransport,
} from '../src/main/registry/index.ts';
import { contactPair, startGatewayProxy, startRegistryNet } from '../src/main/registry/test-support.ts';
import { socksConnect } from '../src/main/tor/index.ts';
import { startClientTor } from '../src/testbed/client-tor.ts';
import { readTestbedDescription } from '../src/testbed/description.ts';

interface Dht {
  mutablePut(kp: { publicKey: Buffer; secretKey: Buffer }, value: Buffer, opts: { seq: number }): Promise<unknown>;
  mutableGet(pk: Buffer, opts: { latest: boolean }): Promise<unknown>;
  fullyBootstrapped(): Promise<void>;
  destroy(): Promise<void>;
}
const require = createRequire(import.meta.url);
const HyperDHT = require('hyperdht') as (new (o: object) => Dht) & { keyPair(): { publicKey: Buffer; secretKey: Buffer } };

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const ms = (x: number): string => `${x.toFixed(1)} ms`;
const ROUNDS = 9;

await ready();
const net = await startRegistryNet({ gateways: 1, dhtSize: 25 });
const gatewayUrl = net.gateways[0]!.url;
const now0 = Math.floor(Date.now() / HOUR_MS) * HOUR_MS + 30 * 60_000;

// Floor: raw hyperdht put + get of one record.
const raw = new HyperDHT({ ephemeral: true, bootstrap: net.dht.bootstrap, host: '127.0.0.1' });
await raw.fullyBootstrapped();
const rawTimes: number[] = [];
for (let i = 0; i < ROUNDS; i++) {
  const kp = HyperDHT.keyPair();
  const t0 = performance.now();
  await raw.mutablePut(kp, randomBytes(REGISTRY_VALUE_SIZE), { seq: Date.now() });
  await raw.mutableGet(kp.publicKey, { latest: true });
  rawTimes.push(performance.now() - t0);
}
const floor = median(rawTimes);
console.log(`floor: raw hyperdht mutablePut + mutableGet, one record: ${ms(floor)} (median of ${ROUNDS})`);

async function onePutGet(transport: RegistryTransport): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const kp = recordKeyPair(new Uint8Array(randomBytes(32)));
    const value = new Uint8Array(randomBytes(REGISTRY_VALUE_SIZE));
    const seq = Date.now();
    const t0 = performance.now();
    await transport.put({ publicKey: kp.publicKey, seq, value, signature: signRecord(kp, seq, value) });
    await transport.get([kp.publicKey]);
    times.push(performance.now() - t0);
  }
  return median(times);
}

/** A full publish cycle (N x r entries, spread window 0) for profile A, then B's lookup of A. */
async function publishLookup(mk: () => RegistryTransport, contacts: number): Promise<{ publishMs: number; lookupMs: number; entries: number; failed: number }> {
  const pairs = Array.from({ length: contacts }, (_, i) => contactPair({ bId: `c${i}` }));
  const a = new Registry({ transport: mk(), identity: pairs[0]!.a.identity, timings: { ...FAST_PUBLISHER_TIMINGS, spreadMs: 0 }, env: { now: () => now0 } });
  const b = new Registry({ transport: mk(), identity: pairs[0]!.b.identity, timings: FAST_PUBLISHER_TIMINGS, env: { now: () => now0 } });
  a.setContacts(pairs.map((p) => p.a.contact));
  b.setContacts([pairs[0]!.b.contact]);
  const t0 = performance.now();
  const report = await a.publishNow();
  const publishMs = performance.now() - t0;
  const t1 = performance.now();
  const found = await b.lookup('alice');
  const lookupMs = performance.now() - t1;
  if (found === null) console.log('  (lookup found nothing!)');
  await a.close();
  await b.close();
  return { publishMs, lookupMs, entries: report.entries, failed: report.failed };
}

const loopback = (): GatewayTransport => new GatewayTransport({ gateways: [gatewayUrl], connect: tcpConnector(), verify: verifySignedRecord });
const gwOne = await onePutGet(loopback());
console.log(`gateway on loopback, one record put + get: ${ms(gwOne)}  ratio to raw ${(gwOne / floor).toFixed(2)}x`);
const loop1 = await publishLookup(loopback, 1);
console.log(`gateway on loopback, 1 contact: publish ${loop1.entries} entries ${ms(loop1.publishMs)}, lookup ${ms(loop1.lookupMs)}; publish+lookup / raw put+get = ${((loop1.publishMs + loop1.lookupMs) / floor).toFixed(1)}x`);

// Adversary-visible volume per profile size: one cycle measured through a recording proxy.
const proxy = await startGatewayProxy({ target: gatewayUrl });
const cyclesPerHour = HOUR_MS / ((PUBLISHER_TIMINGS.refreshMinMs + PUBLISHER_TIMINGS.refreshMaxMs) / 2) + 1; // refreshes + the boundary lead
console.log(`\nper profile (r = 3; ~${cyclesPerHour.toFixed(2)} publish cycles/hour = mean 17.5 min refresh + 1 lead cycle):`);
console.log('contacts | N | puts/cycle | put bytes/cycle | puts/hour | put KB/hour');
for (const c of [1, 16, 100, 500]) {
  const from = proxy.requests.length;
  const pairs = Array.from({ length: c }, (_, i) => contactPair({ bId: `c${i}` }));
  const r = new Registry({ transport: new GatewayTransport({ gateways: [proxy.url], connect: tcpConnector(), verify: verifySignedRecord }), identity: pairs[0]!.a.identity, timings: { ...FAST_PUBLISHER_TIMINGS, spreadMs: 0 }, env: { now: () => now0 } });
  r.setContacts(pairs.map((p) => p.a.contact));
  await r.publishNow();
  await r.close();
  const puts = proxy.requests.slice(from).filter((q) => q.path === '/v1/put');
  const bytes = puts.reduce((s, q) => s + q.body.length, 0);
  console.log(`${String(c).padStart(8)} | ${entriesPerIndex(c)} | ${puts.length} | ${bytes} | ${Math.round(puts.length * cyclesPerHour)} | ${((bytes * cyclesPerHour) / 1024).toFixed(0)}`);
}
await proxy.close();

const loop500 = await publishLookup(loopback, 500);
console.log(`\n500 contacts, gateway on loopback: ${loop500.entries} entries published in ${ms(loop500.publishMs)} (${(loop500.entries / (loop500.publishMs / 1000)).toFixed(0)} puts/s, failed ${loop500.failed}); the real spread window is ${PUBLISHER_TIMINGS.spreadMs / 60_000} min`);

const descriptionPath = process.env.SOTTO_TESTBED;
if (descriptionPath === undefined) {
  console.log('\nover Tor: skipped (set SOTTO_TESTBED to a running testbed description)');
} else {
  const description = await readTestbedDescription(descriptionPath);
  const dir = await mkdtemp(join(tmpdir(), 'sotto-bench-'));
  const client = await startClientTor({ clientTorrc: description.tor.clientTorrc, dataDir: join(dir, 'tor') });
  try {
    const socksPort = client.tor.socksPort as number;
    const gateways = description.gateways.map((g) => `http://${g.onion}`);
    // Tor floor: one fresh isolated stream to a gateway onion and GET /v1/health (no DHT work),
    // the cost every registry request pays before the gateway does anything.
    const [onionHost, onionPort] = (description.gateways[0]?.onion ?? '').split(':');
    const connectOnce = async (): Promise<number> => {
      const t0 = performance.now();
      const socket = await socksConnect({ socksPort, host: onionHost as string, port: Number(onionPort ?? 80), isolation: randomBytes(16).toString('hex'), timeoutMs: 30_000 });
      await new Promise<void>((resolve, reject) => {
        socket.once('data', () => resolve());
        socket.once('error', reject);
        socket.once('close', () => resolve());
        socket.write('GET /v1/health HTTP/1.1\r\nhost: gateway\r\nconnection: close\r\n\r\n');
      });
      socket.destroy();
      return performance.now() - t0;
    };
    await connectOnce(); // descriptor fetch and first circuits: not part of the floor
    const torFloorTimes: number[] = [];
    for (let i = 0; i < ROUNDS * 2; i++) torFloorTimes.push(await connectOnce());
    const torFloor = median(torFloorTimes);
    const pairFloor = 2 * torFloor + floor;
    console.log(`\nfloor: isolated Tor stream to a gateway onion + GET /v1/health: ${ms(torFloor)} (median of ${ROUNDS * 2}, range ${ms(Math.min(...torFloorTimes))}-${ms(Math.max(...torFloorTimes))})`);
    const overTor = (getFanout = 1) => (): GatewayTransport => gatewayTransportOverTor({ gateways, socksConnect, socksPort, getFanout });
    const torOne = await onePutGet(overTor()());
    console.log(`gateway over Tor (isolated circuit per request), one record put + get: ${ms(torOne)}  ratio to raw DHT ${(torOne / floor).toFixed(1)}x, to 2 Tor streams + raw DHT ${(torOne / pairFloor).toFixed(2)}x`);
    const tor1 = await publishLookup(overTor(), 1);
    console.log(`over Tor, 1 contact, get fanout 1: publish ${tor1.entries} entries ${ms(tor1.publishMs)}, lookup ${ms(tor1.lookupMs)} (${(tor1.lookupMs / torFloor).toFixed(1)}x one Tor stream); publish+lookup / raw put+get = ${((tor1.publishMs + tor1.lookupMs) / floor).toFixed(1)}x`);
    const tor1f2 = await publishLookup(overTor(2), 1);
    console.log(`over Tor, 1 contact, get fanout 2 (the default): publish ${ms(tor1f2.publishMs)}, lookup ${ms(tor1f2.lookupMs)} (${(tor1f2.lookupMs / torFloor).toFixed(1)}x one Tor stream)`);
    const tor500 = await publishLookup(overTor(), 500);
    console.log(`over Tor, 500 contacts: ${tor500.entries} entries in ${ms(tor500.publishMs)} (${(tor500.entries / (tor500.publishMs / 1000)).toFixed(0)} puts/s, failed ${tor500.failed}); ratio to loopback ${(tor500.publishMs / loop500.publishMs).toFixed(1)}x`);
  } finally {
    await client.tor.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await raw.destroy();
await net.close();
