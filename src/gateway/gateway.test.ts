// The gateway as its clients meet it: real HyperDHT testnet on loopback, real HTTP, records signed
// by the client. Nothing here is mocked.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startGateway, type Gateway } from './server.ts';
import { errorCode, httpJson, recordKeyPair, signedRecord, startTestnet } from './test-support.ts';

describe('gateway over a HyperDHT testnet', () => {
  let testnet: Awaited<ReturnType<typeof startTestnet>>;
  let gateway: Gateway;

  before(async () => {
    testnet = await startTestnet(20);
    gateway = await startGateway({ bootstrap: testnet.bootstrapStrings, dhtHost: '127.0.0.1' });
  });

  after(async () => {
    await gateway.close();
    await testnet.destroy();
  });

  test('a record signed by the client round-trips through put and get', async () => {
    const owner = recordKeyPair();
    const record = signedRecord(owner, 1_700_000_000_000, Buffer.alloc(600, 7));
    const put = await httpJson(gateway.url, { path: '/v1/put', json: record });
    assert.equal(put.status, 200);
    assert.deepEqual(put.body, { ok: true });

    const got = await httpJson(gateway.url, { path: '/v1/get', json: { publicKeys: [record.publicKey] } });
    assert.equal(got.status, 200);
    assert.deepEqual(got.body, { ok: true, records: [record] });

    // Storers hold exactly the client's signature: a DHT client that never talked to the gateway
    // reads the same record.
    const reader = testnet.createNode();
    const raw = await reader.mutableGet(owner.publicKey, { latest: true });
    assert.ok(raw);
    assert.equal(raw.signature.toString('hex'), record.signature);
    assert.equal(raw.seq, record.seq);
  });

  test('a forged signature is refused with 400 and never stored', async () => {
    const owner = recordKeyPair();
    const forger = recordKeyPair();
    const genuine = signedRecord(owner, 3, Buffer.from('genuine'));
    const forgedBy = signedRecord(forger, 3, Buffer.from('forged'));
    const forged = { ...forgedBy, publicKey: genuine.publicKey };
    const reply = await httpJson(gateway.url, { path: '/v1/put', json: forged });
    assert.equal(reply.status, 400);
    assert.equal(errorCode(reply), 'BAD_SIGNATURE');

    // A flipped value byte under a genuine signature is a forgery too.
    const flipped = Buffer.from(genuine.value, 'base64');
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    const tampered = await httpJson(gateway.url, { path: '/v1/put', json: { ...genuine, value: flipped.toString('base64') } });
    assert.equal(errorCode(tampered), 'BAD_SIGNATURE');

    const got = await httpJson(gateway.url, { path: '/v1/get', json: { publicKeys: [genuine.publicKey] } });
    assert.deepEqual(got.body, { ok: true, records: [null] });
    const raw = await testnet.createNode().mutableGet(owner.publicKey, { latest: true });
    assert.equal(raw, null);
  });

  test('hyperdht seq rules are reported: reuse with another value, lower seq; identical re-put and higher seq pass', async () => {
    const owner = recordKeyPair();
    const first = signedRecord(owner, 10, Buffer.from('first'));
    assert.equal((await httpJson(gateway.url, { path: '/v1/put', json: first })).status, 200);

    const reused = await httpJson(gateway.url, { path: '/v1/put', json: signedRecord(owner, 10, Buffer.from('other')) });
    assert.equal(reused.status, 409);
    assert.equal(errorCode(reused), 'SEQ_REUSED');

    const lower = await httpJson(gateway.url, { path: '/v1/put', json: signedRecord(owner, 9, Buffer.from('older')) });
    assert.equal(lower.status, 409);
    assert.equal(errorCode(lower), 'SEQ_TOO_LOW');

    // Re-putting the identical record is how a writer refreshes storers after churn.
    assert.equal((await httpJson(gateway.url, { path: '/v1/put', json: first })).status, 200);
    let got = await httpJson(gateway.url, { path: '/v1/get', json: { publicKeys: [first.publicKey] } });
    assert.deepEqual(got.body, { ok: true, records: [first] });

    const newer = signedRecord(owner, 11, Buffer.from('newer'));
    assert.equal((await httpJson(gateway.url, { path: '/v1/put', json: newer })).status, 200);
    got = await httpJson(gateway.url, { path: '/v1/get', json: { publicKeys: [first.publicKey] } });
    assert.deepEqual(got.body, { ok: true, records: [newer] });
  });

  test('a batch get of 12 keys answers in request order with null for missing records', async () => {
    const owners = Array.from({ length: 12 }, () => recordKeyPair());
    const stored = new Map<number, ReturnType<typeof signedRecord>>();
    await Promise.all(owners.map(async (owner, i) => {
      if (i % 3 === 1) return; // every third key stays missing
      const record = signedRecord(owner, i, Buffer.from(`entry ${i}`));
      stored.set(i, record);
      const reply = await httpJson(gateway.url, { path: '/v1/put', json: record });
      assert.equal(reply.status, 200);
    }));
    const publicKeys = owners.map((o) => o.publicKey.toString('hex'));
    const got = await httpJson(gateway.url, { path: '/v1/get', json: { publicKeys } });
    assert.equal(got.status, 200);
    assert.deepEqual(got.body, { ok: true, records: owners.map((_o, i) => stored.get(i) ?? null) });

    const tooMany = await httpJson(gateway.url, { path: '/v1/get', json: { publicKeys: [...publicKeys, publicKeys[0]] } });
    assert.equal(tooMany.status, 413);
    assert.equal(errorCode(tooMany), 'TOO_LARGE');
  });

  test('health reports an ephemeral DHT client; unknown routes and wrong methods are coded', async () => {
    const health = await httpJson(gateway.url, { path: '/v1/health' });
    assert.equal(health.status, 200);
    assert.deepEqual(health.body, {
      ok: true,
      version: 1,
      limits: { maxValueBytes: 1000, maxKeysPerGet: 12 },
      dht: { ephemeral: true, bootstrapped: true },
    });
    const missing = await httpJson(gateway.url, { path: '/v2/put', json: {} });
    assert.equal(missing.status, 404);
    assert.equal(errorCode(missing), 'NOT_FOUND');
    const proto = await httpJson(gateway.url, { path: '/__proto__' });
    assert.equal(errorCode(proto), 'NOT_FOUND');
    const wrongMethod = await httpJson(gateway.url, { path: '/v1/put', method: 'GET' });
    assert.equal(wrongMethod.status, 405);
    assert.equal(wrongMethod.headers.allow, 'POST');
    assert.equal(errorCode(wrongMethod), 'METHOD_NOT_ALLOWED');
  });

  test('values over the configured cap are refused with TOO_LARGE', async () => {
    const owner = recordKeyPair();
    const reply = await httpJson(gateway.url, { path: '/v1/put', json: signedRecord(owner, 1, Buffer.alloc(1001)) });
    assert.equal(reply.status, 413);
    assert.equal(errorCode(reply), 'TOO_LARGE');
    const exact = await httpJson(gateway.url, { path: '/v1/put', json: signedRecord(owner, 1, Buffer.alloc(1000, 1)) });
    assert.equal(exact.status, 200);
  });
});
