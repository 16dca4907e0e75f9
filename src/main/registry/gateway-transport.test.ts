// The gateway transport against real gateways on a real loopback HyperDHT (plain TCP instead of
// Tor: the over-Tor path is in registry.int.test.ts). Lying gateways are proxies in front of a
// real gateway that rewrite its answers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ready, recordKeyPair, signRecord, verifyRecord } from './protocol.ts';
import { tcpConnector } from './connectors.ts';
import { isRegistryError } from './errors.ts';
import { GatewayTransport } from './gateway-transport.ts';
import { deadGatewayUrl, startGatewayProxy, startRegistryNet, startStalledGateway, type RegistryNet } from './test-support.ts';
import type { SignedRecord } from './transport.ts';

const verify = (r: SignedRecord): boolean => verifyRecord(r.publicKey, r.seq, r.value, r.signature);
let net: RegistryNet;

before(async () => {
  await ready();
  net = await startRegistryNet({ gateways: 2 });
});
after(async () => {
  await net.close();
});

function makeRecord(seq: number, value = new Uint8Array(randomBytes(200))): SignedRecord {
  const kp = recordKeyPair(new Uint8Array(randomBytes(32)));
  return { publicKey: kp.publicKey, seq, value, signature: signRecord(kp, seq, value) };
}

function resign(record: SignedRecord, seed: Uint8Array, seq: number, value: Uint8Array): SignedRecord {
  const kp = recordKeyPair(seed);
  return { publicKey: kp.publicKey, seq, value, signature: signRecord(kp, seq, value) };
}

function transport(gateways: string[], extra: Partial<ConstructorParameters<typeof GatewayTransport>[0]> = {}): GatewayTransport {
  return new GatewayTransport({ gateways, connect: tcpConnector(), verify, timeoutMs: 5_000, ...extra });
}

test('put then get through real gateways returns the verified record; unknown keys give null', async () => {
  const t = transport(net.gateways.map((g) => g.url));
  const record = makeRecord(Date.now());
  await t.put(record);
  const missing = new Uint8Array(randomBytes(32));
  const [found, none] = await t.get([record.publicKey, missing]);
  assert.ok(found);
  assert.deepEqual(found.value, record.value);
  assert.equal(found.seq, record.seq);
  assert.equal(none, null);
  await t.close();
});

test('a gateway that is down: requests fail over and it backs off', async () => {
  const dead = await deadGatewayUrl();
  const t = transport([dead, net.gateways[0]!.url], { getFanout: 1 });
  // Replicas 0 and 1 start on different gateways, so one of them meets the dead one first
  // (unspread requests go in random order and might miss it).
  for (const spread of [0, 1]) await t.put(makeRecord(Date.now()), { spread });
  const deadName = new URL(dead).host;
  assert.equal(t.health.isHealthy(deadName), false);
  await t.close();
});

test('a put whose stream stalls is hedged: it lands through the next gateway while the stalled request is still open, which is then cut', async () => {
  const stalled = await startStalledGateway();
  const honest = net.gateways[0]!.url;
  const t = transport([stalled.url, honest], { timeoutMs: 60_000 });
  // Spread I starts at the I-th name in sorted order: make the stalled gateway the first asked.
  const names = [new URL(stalled.url).host, new URL(honest).host].sort();
  const spread = names.indexOf(new URL(stalled.url).host);
  const record = makeRecord(Date.now());
  const cut = stalled.cut();
  await t.put(record, { spread, hedgeAfterMs: 200 });
  // Without the hedge the put would end only at the stalled stream's 60 s timeout, with nothing held.
  assert.equal(stalled.held, 1, 'the put landed while the stalled request was still open');
  await cut;
  assert.equal(stalled.held, 0, 'the stalled request is cut once the hedge landed');
  await t.close();
  await stalled.close();
  const reader = transport([honest]);
  const [found] = await reader.get([record.publicKey]);
  assert.deepEqual(found?.value, record.value);
  await reader.close();
});

test('a gateway that flips bytes is benched, the other gateway answers, the record is right', async () => {
  const seed = new Uint8Array(randomBytes(32));
  const record = resign(makeRecord(0), seed, Date.now(), new Uint8Array(randomBytes(300)));
  const liar = await startGatewayProxy({
    target: net.gateways[0]!.url,
    rewrite: (path, _req, answer) => {
      const a = answer as { records?: ({ value: string } | null)[] };
      if (path === '/v1/get' && Array.isArray(a.records)) {
        for (const r of a.records) {
          if (r !== null) {
            const bytes = Buffer.from(r.value, 'base64');
            bytes[5] = (bytes[5] ?? 0) ^ 0x01;
            r.value = bytes.toString('base64');
          }
        }
      }
      return a;
    },
  });
  const t = transport([liar.url, net.gateways[1]!.url], { getFanout: 2 });
  await t.put(record);
  const [found] = await t.get([record.publicKey]);
  assert.ok(found);
  assert.deepEqual(found.value, record.value);
  assert.equal(t.health.isHealthy(new URL(liar.url).host), false, 'the liar is benched');
  await t.close();
  await liar.close();
});

test('a gateway that replays an older record loses to the newer one from the other gateway', async () => {
  const seed = new Uint8Array(randomBytes(32));
  const old = resign(makeRecord(0), seed, Date.now() - 60_000, new Uint8Array(randomBytes(100)));
  const t = transport(net.gateways.map((g) => g.url));
  await t.put(old);
  const replayed = { publicKey: Buffer.from(old.publicKey).toString('hex'), seq: old.seq, value: Buffer.from(old.value).toString('base64'), signature: Buffer.from(old.signature).toString('hex') };
  const replayer = await startGatewayProxy({
    target: net.gateways[0]!.url,
    rewrite: (path, _req, answer) => (path === '/v1/get' ? { ok: true, records: [replayed] } : answer),
  });
  const fresh = resign(old, seed, Date.now(), new Uint8Array(randomBytes(100)));
  await t.put(fresh);
  const t2 = transport([replayer.url, net.gateways[1]!.url], { getFanout: 2 });
  const [found] = await t2.get([fresh.publicKey]);
  assert.ok(found);
  assert.equal(found.seq, fresh.seq);
  assert.deepEqual(found.value, fresh.value);
  await Promise.all([t.close(), t2.close(), replayer.close()]);
});

test('garbage, foreign keys, wrong lengths and huge answers are coded errors; a sole liar fails the call', async () => {
  const record = makeRecord(Date.now());
  const other = makeRecord(Date.now());
  const honest = transport([net.gateways[0]!.url]);
  await honest.put(record);
  await honest.put(other);
  const otherJson = { publicKey: Buffer.from(other.publicKey).toString('hex'), seq: other.seq, value: Buffer.from(other.value).toString('base64'), signature: Buffer.from(other.signature).toString('hex') };
  const answers: { status: number; body: string }[] = [
    { status: 200, body: 'not json at all' },
    { status: 200, body: JSON.stringify({ ok: true, records: [] }) },
    { status: 200, body: JSON.stringify({ ok: true, records: [otherJson] }) },
    { status: 200, body: JSON.stringify({ ok: true, records: [{ ...otherJson, publicKey: Buffer.from(record.publicKey).toString('hex') }] }) },
    { status: 200, body: JSON.stringify({ ok: true, records: [{ ...otherJson, value: '!!!!' }] }) },
    { status: 200, body: JSON.stringify({ ok: true, records: ['x'.repeat(100_000)] }) },
    { status: 500, body: JSON.stringify({ nope: 1 }) },
  ];
  for (const answer of answers) {
    const liar = await startGatewayProxy({ target: net.gateways[0]!.url, replace: () => answer });
    const alone = transport([liar.url]);
    await assert.rejects(alone.get([record.publicKey]), (err: unknown) => isRegistryError(err, 'ALL_GATEWAYS_FAILED'));
    const withHonest = transport([liar.url, net.gateways[1]!.url], { getFanout: 1 });
    // Whichever is asked first, the honest one ends up answering with the right record.
    for (let i = 0; i < 3; i++) {
      const [found] = await withHonest.get([record.publicKey]);
      assert.ok(found);
      assert.deepEqual(found.value, record.value);
    }
    await Promise.all([alone.close(), withHonest.close(), liar.close()]);
  }
  await honest.close();
});

test('bad input gets coded errors, not crashes', async () => {
  assert.throws(() => transport([]), (err: unknown) => isRegistryError(err, 'NO_GATEWAY'));
  assert.throws(() => transport(['not a url']), (err: unknown) => isRegistryError(err, 'BAD_INPUT'));
  assert.throws(() => transport(['https://x.onion']), (err: unknown) => isRegistryError(err, 'BAD_INPUT'));
  const t = transport([net.gateways[0]!.url]);
  await assert.rejects(t.get([new Uint8Array(5)]), (err: unknown) => isRegistryError(err, 'BAD_INPUT'));
  const bad = makeRecord(Date.now());
  bad.signature[0] = (bad.signature[0] ?? 0) ^ 1;
  await assert.rejects(t.put(bad), (err: unknown) => isRegistryError(err, 'BAD_RECORD'));
  const seed = new Uint8Array(randomBytes(32));
  const newer = resign(bad, seed, Date.now(), new Uint8Array(randomBytes(50)));
  await t.put(newer);
  // Same key, lower seq: every gateway would refuse it, so the refusal comes back, coded.
  const older = resign(bad, seed, newer.seq - 1000, new Uint8Array(randomBytes(50)));
  await assert.rejects(t.put(older), (err: unknown) => isRegistryError(err, 'GATEWAY_REFUSED') && err.gatewayCode === 'SEQ_TOO_LOW');
  assert.equal(t.health.isHealthy(new URL(net.gateways[0]!.url).host), true, 'a refusal of our record is not the gateway\'s fault');
  await t.close();
  await assert.rejects(t.put(newer), (err: unknown) => isRegistryError(err, 'CLOSED'));
});
