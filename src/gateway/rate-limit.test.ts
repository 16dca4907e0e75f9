// Rate limits as a flooding client meets them: 429 with Retry-After, then service again once the
// (injected) clock has moved on. Per connection = per Tor stream; global = the whole gateway.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent } from 'node:http';
import { request } from 'node:http';
import { RequestRateLimiter, TokenBucket } from './rate-limit.ts';
import { startGateway, type Gateway } from './server.ts';
import { errorCode, httpJson, recordKeyPair, signedRecord, startTestnet, type JsonReply } from './test-support.ts';

test('a token bucket refills with the clock and never above its burst', () => {
  let t = 0;
  const bucket = new TokenBucket({ burst: 3, perSecond: 2 }, () => t);
  assert.equal(bucket.waitMs(3), 0);
  bucket.take(3);
  assert.equal(bucket.waitMs(1), 500);
  t += 500;
  assert.equal(bucket.waitMs(1), 0);
  t += 60_000;
  assert.equal(bucket.available(), 3);
});

test('a refused request charges neither bucket', () => {
  let t = 0;
  const limiter = new RequestRateLimiter({ perConnection: { burst: 5, perSecond: 1 }, global: { burst: 6, perSecond: 1 }, now: () => t });
  const a = {};
  const b = {};
  assert.equal(limiter.tryTake(a, 5), 0);
  assert.ok(limiter.tryTake(a, 1) > 0);
  assert.equal(limiter.tryTake(b, 1), 0); // the global bucket still held 1
  assert.equal(limiter.tryTake(b, 1), 1000); // now the global bucket is empty for everyone
  t += 1000;
  assert.equal(limiter.tryTake(b, 1), 0);
});

/** Requests on one kept-alive connection, like several requests on one Tor stream. */
function onConnection(agent: Agent, url: string, path: string, json?: unknown): Promise<JsonReply> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { agent, method: json === undefined ? 'GET' : 'POST' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(Buffer.concat(chunks).toString()) as unknown }));
    });
    req.on('error', reject);
    req.end(json === undefined ? undefined : JSON.stringify(json));
  });
}

describe('gateway rate limits', () => {
  let testnet: Awaited<ReturnType<typeof startTestnet>>;
  let gateway: Gateway;
  let t = 1_000_000;

  before(async () => {
    testnet = await startTestnet(20);
    gateway = await startGateway({
      dht: testnet.createNode(),
      now: () => t,
      limits: { perConnection: { burst: 12, perSecond: 1 }, global: { burst: 30, perSecond: 10 }, putCost: 2 },
    });
  });

  after(async () => {
    await gateway.close();
    await testnet.destroy();
  });

  test('one connection gets 429 past its burst and recovers as the clock advances', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      for (let i = 0; i < 12; i++) assert.equal((await onConnection(agent, gateway.url, '/v1/health')).status, 200);
      const limited = await onConnection(agent, gateway.url, '/v1/health');
      assert.equal(limited.status, 429);
      assert.equal(errorCode(limited), 'RATE_LIMITED');
      assert.equal(limited.headers['retry-after'], '1');
      // Another connection (another Tor stream) is not affected.
      assert.equal((await httpJson(gateway.url, { path: '/v1/health' })).status, 200);

      t += 1000;
      assert.equal((await onConnection(agent, gateway.url, '/v1/health')).status, 200);
      assert.equal((await onConnection(agent, gateway.url, '/v1/health')).status, 429);

      // A get is charged per key: 12 keys need 12 tokens, so after 12 s exactly one batch passes.
      t += 12_000;
      const keys = Array.from({ length: 12 }, () => recordKeyPair().publicKey.toString('hex'));
      assert.equal((await onConnection(agent, gateway.url, '/v1/get', { publicKeys: keys })).status, 200);
      assert.equal(errorCode(await onConnection(agent, gateway.url, '/v1/get', { publicKeys: keys })), 'RATE_LIMITED');
    } finally {
      agent.destroy();
    }
  });

  test('the global bucket limits all connections together, and recovers', async () => {
    t += 60_000; // refill everything
    const replies = await Promise.all(Array.from({ length: 40 }, () => httpJson(gateway.url, { path: '/v1/health' })));
    const ok = replies.filter((r) => r.status === 200).length;
    const limited = replies.filter((r) => errorCode(r) === 'RATE_LIMITED').length;
    assert.equal(ok, 30);
    assert.equal(limited, 10);

    t += 1000; // 10 tokens back
    const record = signedRecord(recordKeyPair(), 1, Buffer.from('after the flood'));
    assert.equal((await httpJson(gateway.url, { path: '/v1/put', json: record })).status, 200);
    const got = await httpJson(gateway.url, { path: '/v1/get', json: { publicKeys: [record.publicKey] } });
    assert.deepEqual(got.body, { ok: true, records: [record] });
  });
});
